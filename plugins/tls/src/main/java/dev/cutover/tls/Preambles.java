package dev.cutover.tls;

import dev.cutover.spi.StepFailedException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** The plain-text exchanges that come before TLS for protocols that upgrade a connection: PostgreSQL and MySQL. */
final class Preambles {
    /** PostgreSQL's SSLRequest: length 8, then the request code 80877103 (1234 << 16 | 5679). */
    static final byte[] PG_SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xD2, 0x16, 0x2F};
    private static final int MYSQL_CLIENT_SSL = 0x0800;
    private static final int MYSQL_CLIENT_PROTOCOL_41 = 0x0200;
    private static final int MYSQL_CLIENT_SECURE_CONNECTION = 0x8000;

    private Preambles() {
    }

    /** Sends the SSLRequest and expects 'S'. */
    static void postgres(Socket socket, String where) throws IOException, StepFailedException {
        OutputStream out = socket.getOutputStream();
        out.write(PG_SSL_REQUEST);
        out.flush();
        int answer = socket.getInputStream().read();
        if (answer == 'S') {
            return;
        }
        if (answer == 'N') {
            throw new StepFailedException("PostgreSQL at " + where + " refused TLS (answered 'N' to the SSLRequest): "
                    + "the server runs with ssl = off; turn it on or check you reach the right server");
        }
        if (answer < 0) {
            throw new StepFailedException(where + " closed the connection after the PostgreSQL SSLRequest; "
                    + "is this really PostgreSQL? For a plain TLS port use protocol: tls");
        }
        throw new StepFailedException(where + " answered the PostgreSQL SSLRequest with '" + (char) answer
                + "' instead of 'S'; is this really PostgreSQL? For a plain TLS port use protocol: tls");
    }

    /** Reads the server greeting, checks it offers TLS, and sends an SSL request packet. */
    static void mysql(Socket socket, String where) throws IOException, StepFailedException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] payload;
        try {
            int length = readLe(in, 3);
            in.readUnsignedByte();
            payload = new byte[length];
            in.readFully(payload);
        } catch (EOFException e) {
            throw new StepFailedException(where + " closed the connection before sending a MySQL greeting; "
                    + "is this really MySQL?");
        }
        if (payload.length < 1 || payload[0] == (byte) 0xFF) {
            throw new StepFailedException("MySQL at " + where + " refused the connection (error packet in the greeting)");
        }
        if (payload[0] != 10) {
            throw new StepFailedException(where + " did not greet like MySQL (protocol " + payload[0]
                    + ", expected 10); for a plain TLS port use protocol: tls");
        }
        int i = 1;
        while (i < payload.length && payload[i] != 0) {
            i++;
        }
        int capsAt = i + 1 + 4 + 8 + 1;
        if (capsAt + 2 > payload.length) {
            throw new StepFailedException("MySQL greeting from " + where + " is too short to read its capabilities");
        }
        int caps = (payload[capsAt] & 0xff) | (payload[capsAt + 1] & 0xff) << 8;
        if ((caps & MYSQL_CLIENT_SSL) == 0) {
            throw new StepFailedException("MySQL at " + where + " does not offer TLS (CLIENT_SSL not set); "
                    + "configure the server with a certificate (ssl_cert, ssl_key)");
        }
        byte[] packet = new byte[4 + 32];
        packet[0] = 32;
        packet[3] = 1;
        int flags = MYSQL_CLIENT_SSL | MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_SECURE_CONNECTION;
        writeLe(packet, 4, flags);
        writeLe(packet, 8, 16 * 1024 * 1024);
        packet[12] = 45;
        OutputStream out = socket.getOutputStream();
        out.write(packet);
        out.flush();
    }

    private static int readLe(InputStream in, int bytes) throws IOException {
        int v = 0;
        for (int k = 0; k < bytes; k++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            v |= b << (8 * k);
        }
        return v;
    }

    private static void writeLe(byte[] buf, int at, int v) {
        for (int k = 0; k < 4; k++) {
            buf[at + k] = (byte) (v >>> (8 * k));
        }
    }
}
