package dev.cutover.team;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cutover.spi.Durations;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the team store is and how to reach it: {@code --state URL}, else {@code $CUTOVER_STATE}, else
 * {@code state:} in the user's config file ({@code $CUTOVER_CONFIG}, else
 * {@code ~/.config/cutover/config.yaml}), with the password from a secret source, the lease length and the
 * webhooks from that file.
 *
 * @param url       the PostgreSQL URL as given, never holding a password
 * @param jdbcUrl   the JDBC URL ({@code sslmode=verify-full} unless the URL says otherwise)
 * @param user      the database role; null for the driver's default
 * @param password  the password; null when none (then pgjdbc's {@code ~/.pgpass} applies)
 * @param lease     how long a lock or journal lease lives without a heartbeat
 * @param webhooks  where run events are posted; never null
 * @param source    where the URL came from, for messages
 */
public record TeamConfig(String url, String jdbcUrl, String user, String password, Duration lease,
                         List<Webhook> webhooks, String source) {
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Without the password and the webhooks' secrets. */
    @Override
    public String toString() {
        return "team store " + url + " (from " + source + ", lease " + lease.toSeconds() + "s, " + webhooks.size()
                + " webhook(s))";
    }

    /** Bad configuration: exit 2 with this message. */
    public static final class InvalidException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidException(String message) {
            super(message);
        }
    }

    /**
     * A webhook: where run events are posted.
     *
     * @param url    the receiver
     * @param events which events (started, waiting_for_approval, failed, rolled_back, rollback_failed,
     *               succeeded); empty for all
     * @param secret the HMAC-SHA256 key, or null for unsigned
     * @param slack  post a Slack-compatible {@code {"text": ...}} body
     */
    public record Webhook(URI url, Set<String> events, String secret, boolean slack) {
        /** Every event a webhook can ask for. */
        public static final Set<String> EVENTS = Set.of("started", "waiting_for_approval", "failed", "rolled_back",
                "rollback_failed", "succeeded");

        @Override
        public String toString() {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + url.getPath();
        }
    }

    /**
     * The team store configured for this invocation, or empty for local files only.
     *
     * @param cliUrl the {@code --state} value; may be null
     * @param env    the invocation's environment variables
     */
    public static Optional<TeamConfig> resolve(String cliUrl, Map<String, String> env) throws InvalidException {
        Path file = configFile(env);
        JsonNode conf = read(file);
        String url;
        String source;
        if (cliUrl != null && !cliUrl.isBlank()) {
            url = cliUrl;
            source = "--state";
        } else if (env.get("CUTOVER_STATE") != null && !env.get("CUTOVER_STATE").isBlank()) {
            url = env.get("CUTOVER_STATE");
            source = "$CUTOVER_STATE";
        } else if (conf != null && conf.hasNonNull("state")) {
            url = conf.get("state").asText();
            source = file + " (state:)";
        } else {
            return Optional.empty();
        }
        if (url.equals("local") || url.equals("none")) {
            return Optional.empty();
        }
        Parsed p = parse(url, source);
        String password = conf == null || !conf.hasNonNull("password") ? null
                : secret(conf.get("password").asText(), env, file + ": password");
        Duration lease = DEFAULT_LEASE;
        String leaseText = env.get("CUTOVER_STATE_LEASE") != null ? env.get("CUTOVER_STATE_LEASE")
                : conf != null && conf.hasNonNull("lease") ? conf.get("lease").asText() : null;
        if (leaseText != null) {
            try {
                lease = Durations.parse(leaseText);
            } catch (RuntimeException e) {
                throw new InvalidException("the team store's lease '" + leaseText + "' is not a duration (e.g. 15s)");
            }
            if (lease.toMillis() < 1000) {
                throw new InvalidException("the team store's lease must be at least 1s, not " + leaseText);
            }
        }
        return Optional.of(new TeamConfig(p.display, p.jdbc, p.user, password, lease, webhooks(conf, env, file),
                source));
    }

    /** The user's config file: $CUTOVER_CONFIG, else $XDG_CONFIG_HOME/cutover/config.yaml, else ~/.config/... */
    static Path configFile(Map<String, String> env) {
        if (env.get("CUTOVER_CONFIG") != null && !env.get("CUTOVER_CONFIG").isBlank()) {
            return Path.of(env.get("CUTOVER_CONFIG"));
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(env.getOrDefault("HOME",
                System.getProperty("user.home", ".")), ".config");
        return base.resolve("cutover").resolve("config.yaml");
    }

    private static JsonNode read(Path file) throws InvalidException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (n == null || n.isMissingNode() || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                throw new InvalidException(file + ": expected a map (state:, password:, lease:, webhooks:)");
            }
            return n;
        } catch (IOException e) {
            throw new InvalidException(file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    private record Parsed(String display, String jdbc, String user) {
    }

    /** {@code postgresql://[user@]host[:port]/db[?k=v&...]} (or {@code postgres://}, {@code jdbc:postgresql://}). */
    static Parsed parse(String url, String source) throws InvalidException {
        String u = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new InvalidException(source + ": not a PostgreSQL URL (" + e.getReason() + "); expected "
                    + "postgresql://[user@]host[:port]/database");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new InvalidException(source + ": '" + uri.getScheme() + "' is not supported; expected "
                    + "postgresql://[user@]host[:port]/database");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new InvalidException(source + ": expected postgresql://[user@]host[:port]/database");
        }
        String user = null;
        if (uri.getRawUserInfo() != null) {
            if (uri.getRawUserInfo().contains(":")) {
                throw new InvalidException(source + ": the URL holds a password, which every user can read in 'ps' "
                        + "and shell history; remove it and give it with 'password: file:PATH' (or env:NAME) in "
                        + "the config file, or in ~/.pgpass");
            }
            user = uri.getUserInfo();
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        for (String kv : query.split("&")) {
            String k = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
            if (k.equalsIgnoreCase("password") || k.equalsIgnoreCase("user")) {
                throw new InvalidException(source + ": give the " + k.toLowerCase(java.util.Locale.ROOT)
                        + (k.equalsIgnoreCase("user") ? " before the host (postgresql://ROLE@host/db)"
                        : " with 'password: file:PATH' in the config file or in ~/.pgpass, not in the URL"));
            }
        }
        StringBuilder q = new StringBuilder(query);
        if (!query.matches("(^|.*&)sslmode=.*")) {
            q.append(q.length() == 0 ? "" : "&").append("sslmode=verify-full");
        }
        q.append("&ApplicationName=cutover&tcpKeepAlive=true");
        if (!query.matches("(^|.*&)connectTimeout=.*")) {
            q.append("&connectTimeout=10");
        }
        if (!query.matches("(^|.*&)socketTimeout=.*")) {
            q.append("&socketTimeout=30");
        }
        String hostPort = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        return new Parsed("postgresql://" + (user == null ? "" : user + "@") + hostPort + uri.getPath(),
                "jdbc:postgresql://" + hostPort + uri.getRawPath() + "?" + q, user);
    }

    /** {@code env:NAME} or {@code file:PATH}: a secret, never written in the config file itself. */
    static String secret(String ref, Map<String, String> env, String what) throws InvalidException {
        if (ref.startsWith("env:")) {
            String v = env.get(ref.substring(4));
            if (v == null) {
                throw new InvalidException(what + ": environment variable " + ref.substring(4) + " is not set");
            }
            return v;
        }
        if (ref.startsWith("file:")) {
            Path f = Path.of(ref.substring(5));
            try {
                return Files.readString(f, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new InvalidException(what + ": cannot read " + f + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        throw new InvalidException(what + ": give a secret as env:NAME or file:PATH, never the value itself");
    }

    private static List<Webhook> webhooks(JsonNode conf, Map<String, String> env, Path file) throws InvalidException {
        List<Webhook> out = new ArrayList<>();
        if (conf == null || !conf.hasNonNull("webhooks")) {
            return out;
        }
        JsonNode list = conf.get("webhooks");
        if (!list.isArray()) {
            throw new InvalidException(file + ": webhooks: expected a list of {url, events, secret, format}");
        }
        int i = 0;
        for (JsonNode w : list) {
            String where = file + ": webhooks[" + i++ + "]";
            if (!w.hasNonNull("url")) {
                throw new InvalidException(where + ": url is required");
            }
            URI url;
            try {
                url = new URI(w.get("url").asText());
            } catch (URISyntaxException e) {
                throw new InvalidException(where + ": url: " + e.getReason());
            }
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
                throw new InvalidException(where + ": url must be http(s)");
            }
            Set<String> events = new LinkedHashSet<>();
            if (w.hasNonNull("events")) {
                for (JsonNode e : w.get("events")) {
                    if (!Webhook.EVENTS.contains(e.asText())) {
                        throw new InvalidException(where + ": unknown event '" + e.asText() + "'; one of "
                                + new java.util.TreeSet<>(Webhook.EVENTS));
                    }
                    events.add(e.asText());
                }
            }
            String secret = w.hasNonNull("secret") ? secret(w.get("secret").asText(), env, where + ": secret") : null;
            String format = w.hasNonNull("format") ? w.get("format").asText() : "json";
            if (!format.equals("json") && !format.equals("slack")) {
                throw new InvalidException(where + ": format must be json or slack, not '" + format + "'");
            }
            out.add(new Webhook(url, Set.copyOf(events), secret, format.equals("slack")));
        }
        return out;
    }
}
