package dev.cutover.cli;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.cutover.secrets.Masker;

/** Logback converter: stack traces with every known secret masked. */
public final class MaskingThrowableConverter extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Masker.global().mask(super.convert(event));
    }
}
