package news.opensearch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node started from the jars on the classpath, for development and tests.
 *
 * <p>A distribution starts a node through its bootstrap, which loads plugins from folders of
 * a home directory and installs a security manager. Here the plugins a node needs (the netty4
 * HTTP and transport layer, the common analyzers) are classes on the classpath, handed to the
 * node as the test framework's nodes get them. Usage: {@code LocalNode HOME}, where
 * {@code HOME/config/opensearch.yml} holds the node's settings. The node stops on SIGTERM.
 */
public final class LocalNode {
    private LocalNode() {}

    private static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment) {
            super(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: LocalNode HOME (with HOME/config/opensearch.yml)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path config = home.resolve("config");
        Settings settings = Settings.builder()
            .loadFromPath(config.resolve("opensearch.yml"))
            .put("path.home", home.toString())
            .build();
        Environment environment =
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> "local");
        Node node = new ClasspathPluginNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "stop-node"));
        node.start();
        System.out.println("started " + settings.get("node.name"));
        stopped.await();
    }
}
