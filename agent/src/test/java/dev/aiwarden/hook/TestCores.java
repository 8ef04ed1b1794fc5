package dev.aiwarden.hook;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doCallRealMethod;

import dev.aiwarden.bootstrap.WardenHooks;

/** Mocked cores for hook tests. */
public final class TestCores {
  private TestCores() {}

  /**
   * A Mockito mock of the core whose ranged {@code responseReceived} does what the interface's
   * default does (copies the range, calls the plain one), so tests verify one method for both.
   */
  public static WardenHooks mock() {
    WardenHooks core = org.mockito.Mockito.mock(WardenHooks.class);
    doCallRealMethod().when(core).responseReceived(any(), anyInt(), any(), any(), anyInt(), anyInt());
    return core;
  }
}
