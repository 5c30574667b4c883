/**
 * The {@code retouch} command line (picocli): one class per command, {@link dev.retouch.cli.CliSupport} for what
 * they share (model and image loading, validation, PNG output with parameters in text chunks, JSON results), the
 * demo report and the benchmarks. User errors are {@code RetouchException}s, printed as one line without a stack
 * trace unless {@code --debug}.
 */
package dev.retouch.cli;
