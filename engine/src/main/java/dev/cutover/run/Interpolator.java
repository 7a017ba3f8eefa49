package dev.cutover.run;

import dev.cutover.runbook.Reference;
import dev.cutover.secrets.Masker;
import dev.cutover.spi.Secret;
import dev.cutover.spi.StepFailedException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves {@code ${...}} references in a step's raw inputs at the moment it runs. A string that is
 * exactly one reference keeps the value's type (list, number, secret); a string mixing text and a
 * secret becomes a secret itself.
 */
final class Interpolator {
    private final Map<String, Object> params;
    private final Map<String, String> env;
    private final Map<String, Map<String, Object>> outputs;
    private final String runId;
    private final Path runDir;
    private final Masker masker;
    private final dev.cutover.spi.Host host;

    Interpolator(Map<String, Object> params, Map<String, String> env, Map<String, Map<String, Object>> outputs,
                 String runId, Path runDir, Masker masker) {
        this(params, env, outputs, runId, runDir, masker, null);
    }

    /** @param host the fleet host a {@code hosts:} block's step runs on ({@code ${host.*}}), or null */
    Interpolator(Map<String, Object> params, Map<String, String> env, Map<String, Map<String, Object>> outputs,
                 String runId, Path runDir, Masker masker, dev.cutover.spi.Host host) {
        this.host = host;
        this.params = params;
        this.env = env;
        this.outputs = outputs;
        this.runId = runId;
        this.runDir = runDir;
        this.masker = masker;
    }

    Object resolve(Object raw) throws StepFailedException {
        if (raw instanceof String s) {
            return resolveString(s);
        }
        if (raw instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), resolve(e.getValue()));
            }
            return out;
        }
        if (raw instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(resolve(o));
            }
            return out;
        }
        return raw;
    }

    Map<String, Object> resolveAll(Map<String, Object> with) throws StepFailedException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : with.entrySet()) {
            out.put(e.getKey(), resolve(e.getValue()));
        }
        return out;
    }

    private Object resolveString(String s) throws StepFailedException {
        List<Reference> refs = Reference.findAll(s);
        if (refs.isEmpty()) {
            return Reference.unescape(s);
        }
        if (Reference.isWhole(s)) {
            return value(refs.get(0));
        }
        StringBuilder sb = new StringBuilder();
        boolean secret = false;
        int at = 0;
        for (Reference r : refs) {
            sb.append(Reference.unescape(s.substring(at, r.start())));
            Object v = value(r);
            if (v instanceof Secret sec) {
                secret = true;
                sb.append(sec.reveal());
            } else {
                sb.append(v);
            }
            at = r.end();
        }
        sb.append(Reference.unescape(s.substring(at)));
        if (secret) {
            masker.register(sb.toString());
            return new Secret(sb.toString());
        }
        return sb.toString();
    }

    private Object value(Reference r) throws StepFailedException {
        switch (r.kind()) {
            case "params" -> {
                if (!params.containsKey(r.name())) {
                    throw new StepFailedException("param '" + r.name() + "' has no value");
                }
                return params.get(r.name());
            }
            case "env" -> {
                String v = env.get(r.name());
                if (v == null) {
                    throw new StepFailedException("environment variable " + r.name() + " is not set");
                }
                return v;
            }
            case "run" -> {
                return r.name().equals("id") ? runId : runDir.toString();
            }
            case "host" -> {
                if (host == null) {
                    throw new StepFailedException("${" + r.text() + "} is known only to steps of a hosts: block");
                }
                String v = r.name().equals("name") ? host.name() : host.values().get(r.name());
                if (v == null) {
                    throw new StepFailedException("host '" + host.name() + "' has no value '" + r.name()
                            + "' in the inventory");
                }
                return v;
            }
            default -> {
                Map<String, Object> out = outputs.get(r.name());
                if (out == null) {
                    throw new StepFailedException("step '" + r.name() + "' has not produced outputs (it did not run"
                            + " or was skipped); ${" + r.text() + "} cannot be resolved");
                }
                Object v = out;
                for (String key : r.path().subList(1, r.path().size())) {
                    if (v instanceof Map<?, ?> m && m.containsKey(key)) {
                        v = m.get(key);
                    } else if (v instanceof List<?> l && key.matches("\\d+") && Integer.parseInt(key) < l.size()) {
                        v = l.get(Integer.parseInt(key));
                    } else {
                        throw new StepFailedException("step '" + r.name() + "' has no output '" + key + "' (it has: "
                                + (v instanceof Map<?, ?> m2 ? String.join(", ", m2.keySet().stream()
                                .map(String::valueOf).toList()) : "no keys") + ")");
                    }
                }
                return v;
            }
        }
    }
}
