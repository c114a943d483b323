package khabar.opensearch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.Version;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.ExtensiblePlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, with the modules and plugins Khabar needs loaded from the classpath.
 *
 * <p>Usage: {@code java -cp 'classes:lib/*:plugins/opensearch-knn/*' khabar.opensearch.LocalNode CONFIG_DIR}.
 * CONFIG_DIR holds the node's {@code opensearch.yml}, which must set {@code path.home} (and normally
 * node.name, path.data, path.logs, network.host, http.port, transport.port and discovery). A
 * {@code log4j2.properties} that logs to standard output is written there if the folder has none.
 *
 * <p>Plugin zips: every folder of the classpath (given as {@code DIR/*}, or holding a jar given by
 * name) that holds a {@code plugin-descriptor.properties} is an unpacked plugin zip. Its
 * {@code classname} is loaded beside the modules, after checking that its {@code opensearch.version}
 * is this server's version and that the plugins it extends are there.
 *
 * <p>The distribution's {@code bin/opensearch} does more (security manager, native checks, jar hell,
 * keystore); a node bound to loopback for development and tests needs none of it. SIGTERM closes the
 * node cleanly; SIGKILL is what the fault tests use.
 */
public final class LocalNode {

    /** The modules of the OpenSearch distribution compiled into this launcher, by their distribution names. */
    static final Map<String, Class<? extends Plugin>> MODULES;

    static {
        Map<String, Class<? extends Plugin>> modules = new LinkedHashMap<>();
        modules.put("transport-netty4", Netty4Plugin.class);
        modules.put("analysis-common", CommonAnalysisPlugin.class);
        modules.put("lang-painless", PainlessPlugin.class);
        MODULES = Collections.unmodifiableMap(modules);
    }

    static final String DESCRIPTOR = "plugin-descriptor.properties";

    /** An unpacked plugin zip found on the classpath. */
    static final class PluginZip {
        final Path folder;
        final String name;
        final String version;
        final String classname;
        final String opensearchVersion;
        final List<String> extendedPlugins;

        PluginZip(Path folder, Properties descriptor) {
            this.folder = folder;
            this.name = descriptor.getProperty("name", folder.getFileName().toString()).trim();
            this.version = descriptor.getProperty("version", "?").trim();
            this.classname = descriptor.getProperty("classname", "").trim();
            this.opensearchVersion = descriptor.getProperty("opensearch.version", "").trim();
            List<String> extended = new ArrayList<>();
            for (String part : descriptor.getProperty("extended.plugins", "").split(",")) {
                if (!part.isBlank()) {
                    extended.add(part.trim());
                }
            }
            this.extendedPlugins = Collections.unmodifiableList(extended);
        }

        @Override
        public String toString() {
            return name + " " + version + " (" + classname + ")";
        }
    }

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

        Logger logger = LogManager.getLogger(LocalNode.class);
        List<PluginZip> zips = pluginZips(System.getProperty("java.class.path", ""));
        List<Class<? extends Plugin>> plugins = plugins(zips);
        if (!zips.isEmpty()) {
            logger.info("plugins from zips on the classpath: {}", zips);
        }
        Node node = new ClasspathPluginNode(environment, plugins);
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

    /** The plugin zips on the classpath: folders holding a plugin-descriptor.properties, in classpath order. */
    static List<PluginZip> pluginZips(String classpath) throws IOException {
        Set<Path> folders = new LinkedHashSet<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            // java.class.path holds the jars that a DIR/* entry of -cp expanded to, not DIR/* itself.
            Path path = Paths.get(entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry);
            Path folder = Files.isRegularFile(path) ? path.getParent() : path;
            if (folder != null && Files.isRegularFile(folder.resolve(DESCRIPTOR))) {
                folders.add(folder.toAbsolutePath().normalize());
            }
        }
        List<PluginZip> zips = new ArrayList<>();
        for (Path folder : folders) {
            Properties descriptor = new Properties();
            try (InputStream in = Files.newInputStream(folder.resolve(DESCRIPTOR))) {
                descriptor.load(in);
            }
            zips.add(new PluginZip(folder, descriptor));
        }
        return zips;
    }

    /**
     * The modules and the zips' plugin classes, checked: a zip must be built for this very OpenSearch
     * version and find the plugins it extends (OpenSearch refuses such plugins too).
     */
    static List<Class<? extends Plugin>> plugins(List<PluginZip> zips) throws ClassNotFoundException {
        List<Class<? extends Plugin>> plugins = new ArrayList<>(MODULES.values());
        Set<String> names = new LinkedHashSet<>(MODULES.keySet());
        for (PluginZip zip : zips) {
            names.add(zip.name);
        }
        String current = Version.CURRENT.toString();
        for (PluginZip zip : zips) {
            if (!current.equals(zip.opensearchVersion)) {
                throw new IllegalStateException("plugin " + zip + " in " + zip.folder + " is built for OpenSearch "
                    + zip.opensearchVersion + ", this node is " + current + ": plugins only load into the exact "
                    + "version they were built for");
            }
            if (zip.classname.isEmpty()) {
                throw new IllegalStateException(zip.folder.resolve(DESCRIPTOR) + " names no classname");
            }
            for (String extended : zip.extendedPlugins) {
                if (!names.contains(extended)) {
                    throw new IllegalStateException("plugin " + zip + " extends " + extended
                        + ", which is neither a module of this launcher " + MODULES.keySet() + " nor a plugin zip "
                        + "on the classpath");
                }
                if (!MODULES.containsKey(extended)) {
                    LogManager.getLogger(LocalNode.class).warn("plugin {} extends the plugin zip {}: extension "
                        + "points between classpath plugins are not wired, only lang-painless's are", zip, extended);
                }
            }
            plugins.add(Class.forName(zip.classname, false, LocalNode.class.getClassLoader()).asSubclass(Plugin.class));
        }
        loadPainlessExtensions();
        return plugins;
    }

    /**
     * Hands Painless the allowlists of the plugins that extend it: analysis-common's (scripts in the
     * predicate_token_filter and condition token filters), k-NN's (cosineSimilarity, l2Squared, …).
     *
     * <p>OpenSearch's PluginsService calls ExtensiblePlugin.loadExtensions only for plugins loaded from the
     * modules/ and plugins/ folders, never for classpath plugins, so a classpath Painless would not know
     * them. PainlessPlugin keeps its allowlists in a static map that every instance's script engine
     * reads, so filling it from a throwaway instance before the node starts does what PluginsService
     * would have done (all extensions share this JVM's one class loader).
     */
    static void loadPainlessExtensions() {
        ClassLoader loader = LocalNode.class.getClassLoader();
        List<String> names = new ArrayList<>();
        new PainlessPlugin().loadExtensions(new ExtensiblePlugin.ExtensionLoader() {
            @Override
            public <T> List<T> loadExtensions(Class<T> extensionPointType) {
                List<T> found = new ArrayList<>();
                for (T extension : ServiceLoader.load(extensionPointType, loader)) {
                    found.add(extension);
                    names.add(extension.getClass().getName());
                }
                return found;
            }
        });
        LogManager.getLogger(LocalNode.class).info("Painless extensions loaded: {}", names);
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
