package dev.cutover.cli;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.cutover.secrets.Masker;

/** Logback converter: the formatted message with every known secret masked. */
public final class MaskingMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Masker.global().mask(super.convert(event));
    }
}
