package dev.npufleet.gateway.http;

import dev.npufleet.gateway.config.RequestsConfig;
import dev.npufleet.protocol.Topics;
import dev.npufleet.gateway.batch.BatchStore;
import dev.npufleet.gateway.batch.FileStore;
import dev.npufleet.gateway.fleet.CacheView;
import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.gateway.fleet.ModelCatalog;
import dev.npufleet.gateway.jobs.JobBus;
import dev.npufleet.gateway.jobs.JobLog;
import dev.npufleet.gateway.kafka.BrokerStatus;
import dev.npufleet.gateway.routing.Router;
import dev.npufleet.gateway.tenancy.TenancySettings;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Everything the HTTP endpoints use, built once by {@code Gateway} (or by a test with fakes).
 * Immutable; any thread.
 *
 * @param gatewayId this instance, as {@code /v1/fleet} names it
 * @param requests the limits and deadlines of requests
 * @param tenancy API keys, per-key limits, input bounds, admission control
 * @param topics the topic names (jobs carry the events topic as their reply topic)
 * @param eventsReady true once the events topic is being read, i.e. a job's answer can be heard
 * @param executor runs work that must leave a Kafka callback thread (Jetty's thread pool)
 * @param jobLog reads jobs' events back from the log (asynchronous jobs, batches)
 * @param files uploaded files (batch input)
 * @param batches batch records
 */
public record GatewayServices(
        String gatewayId,
        RequestsConfig requests,
        TenancySettings tenancy,
        Topics topics,
        ExchangeServices exchanges,
        JobBus bus,
        ModelCatalog models,
        CacheView caches,
        FleetView fleet,
        Router router,
        BrokerStatus broker,
        BooleanSupplier eventsReady,
        Executor executor,
        JobLog jobLog,
        FileStore files,
        BatchStore batches) {
}
