package dev.aiwarden.examples.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoopAgentTest {
  @Test
  void theRenamedCopyIsAnAgentOfItsOwnNameThatRegistersARetransformingTransformer() throws Exception {
    byte[] copy = NoopAgent.renamedCopy();
    ClassLoader loader =
        new ClassLoader(NoopAgentTest.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.equals(NoopAgent.LAST)) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, copy, 0, copy.length);
          }
        };
    // Not on the test's class path: only the copy has this name.
    assertThat(NoopAgentTest.class.getClassLoader().getResource(NoopAgent.LAST.replace('.', '/') + ".class"))
        .isNull();
    Class<?> last = Class.forName(NoopAgent.LAST, true, loader);
    assertThat(last.getClassLoader()).isSameAs(loader);
    assertThat(ClassFileTransformer.class.isAssignableFrom(last)).isTrue();

    List<Object[]> added = new ArrayList<>();
    Instrumentation inst =
        (Instrumentation)
            Proxy.newProxyInstance(
                loader,
                new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("addTransformer")) {
                    added.add(args);
                  }
                  return null;
                });
    Method premain = last.getMethod("premain", String.class, Instrumentation.class);
    premain.invoke(null, null, inst);
    assertThat(added).hasSize(1);
    assertThat(added.get(0)[0].getClass()).isSameAs(last);
    assertThat(added.get(0)[1]).isEqualTo(true);
    // It changes nothing.
    assertThat(((ClassFileTransformer) added.get(0)[0]).transform(loader, "a/B", null, null, new byte[] {1}))
        .isNull();
  }
}
