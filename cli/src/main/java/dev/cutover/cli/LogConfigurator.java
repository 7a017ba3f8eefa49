package dev.cutover.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Logging set-up in code (found by Logback through ServiceLoader), so start-up does not parse an
 * XML file: debug logs go to stderr, at WARN unless {@code --verbose} or {@code CUTOVER_LOG_LEVEL},
 * with every known secret masked in messages and stack traces.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %maskedMsg%n%maskedEx";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        install(context, null);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up the context; {@code target} replaces stderr (tests), or is null. */
    @SuppressWarnings("rawtypes")
    static void install(LoggerContext context, java.io.OutputStream target) {
        Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
        rules.put("maskedMsg", MaskingMessageConverter::new);
        rules.put("maskedEx", MaskingThrowableConverter::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> stderr;
        if (target == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            stderr = console;
        } else {
            stderr = new OutputStreamAppender<>();
            stderr.setOutputStream(target);
        }
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("CUTOVER_LOG_LEVEL"), Level.WARN));
        root.addAppender(stderr);
    }
}
