package dev.vapostream.infra.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 in a PKCS12 key store, made with the JDK's keytool, and
 * the same certificate as PEM for clients to trust. For tests only: the key never leaves the test's
 * folder and lives two days.
 */
public record SelfSignedCertificate(Path keyStore, String password, String certificatePem) {

    public static SelfSignedCertificate create(Path dir) throws IOException, InterruptedException {
        Path keyStore = dir.resolve("broker.p12");
        Path pem = dir.resolve("broker.pem");
        String password = "test-" + Long.toHexString(System.nanoTime());
        keytool(List.of("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
            "-storepass", password, "-keypass", password));
        keytool(List.of("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", password,
            "-file", pem.toString()));
        return new SelfSignedCertificate(keyStore, password, Files.readString(pem, StandardCharsets.US_ASCII));
    }

    private static void keytool(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool " + args.get(0) + " failed: " + output);
        }
    }
}
