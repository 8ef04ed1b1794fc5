package dev.aiwarden.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

class WeaverTest {
  private static final String TARGET = Weaver.WarmUpTarget.class.getName();

  private static byte[] targetBytes() throws Exception {
    try (InputStream in = WeaverTest.class.getResourceAsStream(
        "/" + TARGET.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private static Weaver weaver(String typeName) {
    Weaver.Builder builder = new Weaver.Builder();
    builder.type(ElementMatchers.named(typeName))
        .transform((weave, type, loader, module, domain) ->
            weave.visit(Weaver.advice(Weaver.WarmUpAdvice.class)
                .on(ElementMatchers.named("call"))));
    return builder.build();
  }

  private static Class<?> define(byte[] classfile) throws Exception {
    return VerifyingLoader.define(TARGET, classfile);
  }

  @Test
  void theAdviceRunsAroundTheMatchedMethod() throws Exception {
    byte[] woven = weaver(TARGET).transform(
        getClass().getClassLoader(), TARGET.replace('.', '/'), null, null, targetBytes());
    assertThat(woven).isNotNull();
    Method call = define(woven).getDeclaredMethod("call", Object.class);
    call.setAccessible(true);
    assertThat(call.invoke(null, "value")).isEqualTo("value");
    assertThat(call.invoke(null, (Object) null)).isNull();
    // skipOn: the method body is skipped and the exit advice throws what enter returned; the
    // unwoven method would have returned it.
    IllegalStateException handle = new IllegalStateException("skipped");
    assertThatThrownBy(() -> call.invoke(null, handle))
        .isInstanceOf(InvocationTargetException.class)
        .hasCauseReference(handle);
  }

  @Test
  void aTypeNoHookMatchesIsLeftAlone() throws Exception {
    assertThat(weaver("com.example.Other").transform(
        getClass().getClassLoader(), TARGET.replace('.', '/'), null, null, targetBytes()))
        .isNull();
  }

  @Test
  void bytesThatCannotBeWovenAreLeftAloneWithoutThrowing() {
    assertThat(weaver(TARGET).transform(
        getClass().getClassLoader(), TARGET.replace('.', '/'), null, null, new byte[] {1, 2, 3}))
        .isNull();
  }
}
