package dev.cutover.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process and captures what it printed. */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        return withEnv(Map.of(), args);
    }

    /** The process's environment without NO_COLOR, plus {@code extraEnv}. */
    static CliRun withEnv(Map<String, String> extraEnv, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("NO_COLOR");
        env.putAll(extraEnv);
        int code = CutoverCli.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    String all() {
        return out + err;
    }
}
