# bridge rules
