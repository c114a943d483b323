package khabar.opensearch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, with the modules Khabar needs loaded from the classpath.
 *
 * <p>Usage: {@code java -cp 'classes:lib/*' khabar.opensearch.LocalNode CONFIG_DIR}. CONFIG_DIR holds the
 * node's {@code opensearch.yml}, which must set {@code path.home} (and normally node.name, path.data,
 * path.logs, network.host, http.port, transport.port and discovery). A {@code log4j2.properties} that
 * logs to standard output is written there if the folder has none.
 *
 * <p>The distribution's {@code bin/opensearch} does more (security manager, native checks, jar hell,
 * keystore); a node bound to loopback for development and tests needs none of it. SIGTERM closes the
 * node cleanly; SIGKILL is what the fault tests use.
 */
public final class LocalNode {

    /** The modules of the OpenSearch distribution that are compiled into this launcher's classpath. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class
    );

    /** A Node that accepts plugins from the classpath (Node's own constructor for that is protected). */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private LocalNode() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: LocalNode CONFIG_DIR  (CONFIG_DIR/opensearch.yml must set path.home)");
            System.exit(2);
        }
        LogConfigurator.registerErrorListener();
        Path configDir = Paths.get(args[0]).toAbsolutePath().normalize();
        Path yml = configDir.resolve("opensearch.yml");
        if (!Files.isRegularFile(yml)) {
            System.err.println("no opensearch.yml in " + configDir);
            System.exit(2);
        }
        Settings fromFile = Settings.builder().loadFromPath(yml).build();
        String home = fromFile.get("path.home");
        if (home == null) {
            System.err.println(yml + " must set path.home");
            System.exit(2);
        }
        writeDefaultLogConfig(configDir);

        Settings input = Settings.builder().put("path.home", home).build();
        String nodeName = fromFile.get("node.name", "khabar");
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            input, Collections.emptyMap(), configDir, () -> nodeName);
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configure(environment);
        Files.createDirectories(environment.modulesFile());
        Files.createDirectories(environment.pluginsFile());
        Files.createDirectories(environment.logsFile());

        Node node = new ClasspathPluginNode(environment, PLUGINS);
        CountDownLatch stopped = new CountDownLatch(1);
        // OpenSearch's threads are daemons: this non-daemon thread keeps the JVM alive until shutdown.
        Thread keepAlive = new Thread(() -> {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "khabar-keepalive");
        keepAlive.setDaemon(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (!node.awaitClose(20, TimeUnit.SECONDS)) {
                    LogManager.getLogger(LocalNode.class).warn("node did not stop within 20 seconds");
                }
            } catch (IOException e) {
                LogManager.getLogger(LocalNode.class).warn("failed to stop the node", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
                LogManager.shutdown();
            }
        }, "khabar-shutdown"));
        keepAlive.start();
        try {
            node.start();
        } catch (Throwable t) {
            LogManager.getLogger(LocalNode.class).error("node failed to start", t);
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** Logs to standard output; localcluster.py sends each node's output to NODE/logs/node.log. */
    static final String LOG4J2_PROPERTIES = String.join("\n",
        "# Written by khabar.opensearch.LocalNode; edit freely, it is only written when missing.",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.console.ref = console",
        "");

    private static void writeDefaultLogConfig(Path configDir) throws IOException {
        Path target = configDir.resolve("log4j2.properties");
        if (!Files.exists(target)) {
            Files.writeString(target, LOG4J2_PROPERTIES, StandardCharsets.UTF_8);
        }
    }
}
