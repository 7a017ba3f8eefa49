package dev.cutover.postgres;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Opens JDBC connections from a step's {@code jdbc_url}, {@code user} and secret {@code password} inputs. */
final class PgConnections {
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://(\\[[^]]+]|[^:/?,]+)(?::(\\d+))?(/[^?]*)?(\\?.*)?");

    /** Host and port of the server a JDBC URL names. */
    record Target(String host, int port) {
    }

    static final List<InputSpec> INPUTS = List.of(
            InputSpec.required("jdbc_url", InputType.STRING,
                    "jdbc:postgresql://HOST:PORT/DB?sslmode=verify-full&sslrootcert=BUNDLE (no password in it)").refusingSecrets(),
            InputSpec.optional("user", InputType.STRING, "postgres", "database user"),
            InputSpec.optional("password", InputType.SECRET, null, "that user's password"));

    private PgConnections() {
    }

    static Target target(String jdbcUrl) throws StepFailedException {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new StepFailedException("jdbc_url '" + jdbcUrl + "' is not of the form jdbc:postgresql://HOST[:PORT]/DB[?options]");
        }
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        return new Target(host, m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
    }

    static Connection open(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        String url = in.string("jdbc_url");
        target(url);
        if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw new StepFailedException("jdbc_url must not carry a password; give it as the secret input 'password'");
        }
        Properties props = new Properties();
        props.setProperty("user", in.string("user"));
        if (in.has("password")) {
            props.setProperty("password", in.secret("password").reveal());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");
        try {
            Connection c = new org.postgresql.Driver().connect(url, props);
            if (c == null) {
                throw new StepFailedException("the PostgreSQL driver does not accept jdbc_url '" + url + "'");
            }
            return c;
        } catch (SQLException e) {
            throw new StepFailedException("cannot connect to " + url + " as " + in.string("user") + ": "
                    + describe(e, context));
        }
    }

    /** The message of a JDBC failure and its causes, masked. */
    static String describe(SQLException e, StepContext context) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !sb.toString().contains(m)) {
                sb.append(": ").append(m);
            }
        }
        return context.mask(sb.toString());
    }
}
