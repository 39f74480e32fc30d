/**
 * Configuration from environment variables, shared by every process: {@link
 * dev.npufleet.protocol.config.Setting} (one variable: name, default, meaning), the one {@link
 * dev.npufleet.protocol.config.EnvReader}, the named validators in {@link
 * dev.npufleet.protocol.config.Checks}, {@link dev.npufleet.protocol.config.KafkaSettings} and the
 * one secret-masking rule in {@link dev.npufleet.protocol.config.Secrets}.
 *
 * <p>A process's configuration is a root record of small records, one per concern. Each small record
 * declares its {@code Setting} constants (the default is written there and nowhere else, as the
 * variable's own text), reads its components in a static {@code read(EnvReader ...)}, checks them
 * in a short compact constructor with the named validators, and lists them with their effective
 * values in {@code describeTo(ConfigValues)}. The root's {@code values()} collects those lists: the
 * start-up log line, {@code fleet config} and the test that holds the README's tables to the records
 * all read it.
 */
package dev.npufleet.protocol.config;
