# sim rules: filled in by the simulator work
