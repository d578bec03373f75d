package io.viewsync.core.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a fresh PostgreSQL database on a {@code wal_level=logical} server:
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class SlotIT {
 *   @BeforeAll static void schema(TestDatabase db) { db.execute("CREATE TABLE t(id int primary key)"); }
 *   @Test void streams(TestDatabase db) throws SQLException { try (Connection c = db.connect()) { ... } }
 * }
 * }</pre>
 *
 * <p>A {@link TestDatabase} parameter resolves in constructors, {@code @BeforeAll}/{@code @AfterAll}
 * methods and test methods. Every top-level test class gets its own database, named after the class
 * and dropped after it; {@code @Nested} classes share their enclosing class's. All classes in a JVM
 * share one server ({@link TestServer}: external, Testcontainers or a local cluster).
 *
 * <p>Modules using this from sync-core's test-jar also need {@code org.testcontainers:testcontainers-postgresql}
 * (test scope) on their classpath: a test-jar does not carry its test dependencies.
 *
 * <p>Stateless; JUnit may call it from any thread. The database lives in the class context's store,
 * which JUnit closes after the class.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    database(context); // create it before any @BeforeAll method runs, even if none asks for it
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return database(context);
  }

  private static TestDatabase database(ExtensionContext context) {
    ExtensionContext classContext = topLevelClassContext(context);
    Class<?> testClass = classContext.getRequiredTestClass();
    return classContext.getStore(NAMESPACE).computeIfAbsent(testClass, TestDatabase::createFor, TestDatabase.class);
  }

  /** The context of the outermost test class: the child of the engine's root context. */
  private static ExtensionContext topLevelClassContext(ExtensionContext context) {
    ExtensionContext root = context.getRoot();
    ExtensionContext c = context;
    while (c.getParent().isPresent() && c.getParent().get() != root) {
      c = c.getParent().get();
    }
    return c;
  }
}
