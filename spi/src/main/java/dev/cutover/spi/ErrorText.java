package dev.cutover.spi;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;

/**
 * An exception as an operator reads it: what went wrong in words, never a Java class name
 * ({@code NoSuchFileException: /x} becomes {@code no such file: /x}). For messages shown on the console,
 * in the journal and in reports; logs keep the exception itself.
 *
 * @since 0.3
 */
public final class ErrorText {
    /** A qualified or simple exception class name at the start of a message, as {@code Throwable.toString()} writes it. */
    private static final Pattern CLASS_PREFIX = Pattern.compile(
            "(?:[a-z][a-z0-9_]*\\.)*[A-Z][A-Za-z0-9_$]*(?:Exception|Error)(?::\\s*|$)");

    private ErrorText() {
    }

    /** What went wrong, in words; never null, never a class name. */
    public static String of(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        Throwable cause = e.getCause() == e ? null : e.getCause();
        if (cause != null && (e.getMessage() == null || e.getMessage().equals(cause.toString()))) {
            return of(cause); // a wrapper that says nothing of its own
        }
        if (e instanceof FileSystemException f) {
            String file = f.getFile() == null ? "" : f.getFile();
            String other = f.getOtherFile() == null ? "" : " -> " + f.getOtherFile();
            String what = e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "already exists"
                    : e instanceof NotDirectoryException ? "not a directory"
                    : e instanceof DirectoryNotEmptyException ? "directory not empty"
                    : f.getReason() == null ? "file system error" : f.getReason();
            return file.isEmpty() ? what : what + ": " + file + other;
        }
        String m = clean(e.getMessage());
        if (e instanceof UnknownHostException) {
            return "unknown host" + (m.isEmpty() ? "" : " " + m);
        }
        if (e instanceof ConnectException) {
            return m.isEmpty() ? "connection refused" : m;
        }
        if (e instanceof SocketTimeoutException) {
            return m.isEmpty() ? "timed out" : m;
        }
        if (e instanceof EOFException) {
            return m.isEmpty() ? "unexpected end of input" : m;
        }
        if (!m.isEmpty()) {
            return m;
        }
        return e instanceof java.io.IOException ? "input/output error" : "unexpected error";
    }

    /** A message with any leading exception class names removed ("java.io.IOException: x" becomes "x"). */
    public static String clean(String message) {
        if (message == null) {
            return "";
        }
        String m = message.strip();
        for (int i = 0; i < 5; i++) {
            var matcher = CLASS_PREFIX.matcher(m);
            if (!matcher.lookingAt()) {
                break;
            }
            m = m.substring(matcher.end()).strip();
        }
        return m;
    }
}
