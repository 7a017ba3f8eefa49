package dev.cutover.tls;

import dev.cutover.spi.StepFailedException;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The kinds of certificate stores and files the steps read, detected from content. */
enum StoreKind {
    JKS, PKCS12, PEM, DER, PKCS7, UNKNOWN;

    String label() {
        return switch (this) {
            case PKCS12 -> "PKCS12";
            case PKCS7 -> "PKCS#7";
            default -> name();
        };
    }

    /** Whether this kind is a JDK KeyStore type. */
    boolean isKeyStore() {
        return this == JKS || this == PKCS12;
    }

    /** Detects the kind from the first bytes: JKS magic, PEM armour, or DER structure. */
    static StoreKind detect(byte[] bytes) {
        if (bytes.length >= 4 && (bytes[0] & 0xff) == 0xFE && (bytes[1] & 0xff) == 0xED
                && (bytes[2] & 0xff) == 0xFE && (bytes[3] & 0xff) == 0xED) {
            return JKS;
        }
        if (bytes.length > 0 && (bytes[0] & 0xff) == 0x30) {
            return CertificateReader.classifyDer(bytes);
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 65536), StandardCharsets.US_ASCII);
        return head.contains("-----BEGIN ") ? PEM : UNKNOWN;
    }

    /** Parses a {@code type:} input: jks, pkcs12 (p12, pfx), pem; {@code auto} or null means detect. */
    static StoreKind parse(String text, String input) throws StepFailedException {
        if (text == null) {
            return UNKNOWN;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "", "auto" -> UNKNOWN;
            case "jks" -> JKS;
            case "pkcs12", "p12", "pfx" -> PKCS12;
            case "pem" -> PEM;
            case "der", "cer", "crt" -> DER;
            case "pkcs7", "p7b" -> PKCS7;
            default -> throw new StepFailedException("input '" + input + "': unknown store type '" + text
                    + "'; use jks, pkcs12, pem or auto");
        };
    }
}
