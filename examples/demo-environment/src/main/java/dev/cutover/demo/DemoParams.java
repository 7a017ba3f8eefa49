package dev.cutover.demo;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The flagship runbook's parameter values for the demo, and the environment files that hold them. */
final class DemoParams {

    private DemoParams() {
    }

    static Map<String, Object> local(DemoEnvironment env) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("platform", "local");
        p.put("app_name", env.appName());
        p.put("app_command", env.appCommand());
        p.put("app_pid_file", env.appPidFile().toString());
        p.put("app_port_file", env.appPortFile().toString());
        p.put("app_log_file", env.appLogFile().toString());
        p.put("app_health_url", env.appHealthUrl());
        p.put("truststore", env.truststore().toString());
        p.put("current_ca_sha256", env.oldCaSha256());
        p.put("ca_bundle", env.newCaBundle().toString());
        p.put("target_ca", "demo-rds-ca-rsa2048-g1");
        p.put("target_ca_subject", "RSA2048 G1");
        p.put("db_host", env.dbHost());
        p.put("db_port", env.dbPort());
        p.put("db_admin_url", env.dbAdminJdbcUrl());
        p.put("db_admin_user", env.dbAdminUser());
        p.put("db_cert_file", env.dbCertFile().toString());
        p.put("db_key_file", env.dbKeyFile().toString());
        p.put("new_db_cert_file", env.newServerCertFile().toString());
        p.put("new_db_key_file", env.newServerKeyFile().toString());
        return p;
    }

    static void write(DemoEnvironment env) throws IOException {
        String head = "Parameters for runbooks/rds-ca-rotation.yaml against the local demo environment in\n"
                + env.workDir() + " (written by DemoEnvironment; paths are absolute).\n"
                + "Secrets are not here: store_password comes from $" + DemoEnvironment.TRUSTSTORE_PASSWORD_ENV
                + " and db_admin_password\nfrom $" + DemoEnvironment.DB_ADMIN_PASSWORD_ENV + "; `. "
                + env.secretsEnvFile() + "` sets both.";
        EnvironmentFiles.write(env.localEnvironmentFile(), head, env.params());
        EnvironmentFiles.write(env.wrongBundleEnvironmentFile(), head + "\nScenario 3: ca_bundle is a CA named like the"
                + " target but with another key; it does not sign the new server certificate.", env.wrongBundleParams());
    }
}
