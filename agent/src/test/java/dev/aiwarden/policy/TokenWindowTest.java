package dev.aiwarden.policy;

import static dev.aiwarden.policy.TestCalls.openAi;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aiwarden.core.AiCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token window's ring stays exact while it grows, wraps around and settles late calls. */
class TokenWindowTest {
  private static final long WINDOW = 60_000;

  @Test
  void sumsExactlyWhileTheRingGrowsAndWraps() {
    TokenWindow window = new TokenWindow();
    int n = TokenWindow.INITIAL_CAPACITY * 5 + 3; // grows past the first capacity 3 times
    List<AiCall> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AiCall call = openAi("gpt-4o", "hi");
      assertThat(window.reserveBelow("k", Long.MAX_VALUE, true, 10, WINDOW, i, call)).isEqualTo(10L * i);
      calls.add(call);
    }
    // every call settles to 1 token: the sum is n
    for (AiCall call : calls) {
      TokenWindow.settle((TokenWindow.Book) call.policyTicket, call.policyTicketSeq, 1);
    }
    assertThat(window.reserveBelow("k", Long.MAX_VALUE, true, 0, WINDOW, n, openAi("gpt-4o", "hi")))
        .isEqualTo(n);
    // at t = WINDOW + 9 the charges made at t = 0..9 have left: n - 10 (+ the 0 just charged)
    assertThat(window.reserveBelow("k", Long.MAX_VALUE, true, 0, WINDOW, WINDOW + 9, openAi("gpt-4o", "hi")))
        .isEqualTo(n - 10);
    // a steady rate that keeps 20 charges in the window wraps the ring many times without growing
    for (int i = 0; i < 1000; i++) {
      long now = 10 * WINDOW + i * (WINDOW / 20);
      AiCall call = openAi("gpt-4o", "hi");
      long before = window.reserveBelow("s", Long.MAX_VALUE, true, 7, WINDOW, now, call);
      assertThat(before).isEqualTo(Math.min(i, 19) * 3L);
      TokenWindow.settle((TokenWindow.Book) call.policyTicket, call.policyTicketSeq, 3);
    }
  }

  @Test
  void aRefusedCallIsNotChargedAndALateSettlementChangesNothing() {
    TokenWindow window = new TokenWindow();
    AiCall first = openAi("gpt-4o", "hi");
    assertThat(window.reserveBelow("k", 100, true, 100, WINDOW, 0, first)).isZero();
    AiCall refused = openAi("gpt-4o", "hi");
    assertThat(window.reserveBelow("k", 100, true, 50, WINDOW, 1, refused)).isEqualTo(100);
    assertThat(refused.policyTicket).isNull();
    // forced (monitor mode): charged although over the limit
    AiCall forced = openAi("gpt-4o", "hi");
    assertThat(window.reserveBelow("k", 100, false, 50, WINDOW, 2, forced)).isEqualTo(100);
    assertThat(window.reserveBelow("k", 100, false, 0, WINDOW, 3, openAi("gpt-4o", "hi"))).isEqualTo(150);
    // the first call completes after its charge left the window: the sum is not touched
    assertThat(window.reserveBelow("k", 100, false, 0, WINDOW, WINDOW, openAi("gpt-4o", "hi"))).isEqualTo(50);
    TokenWindow.settle((TokenWindow.Book) first.policyTicket, first.policyTicketSeq, 1_000);
    TokenWindow.settle((TokenWindow.Book) forced.policyTicket, forced.policyTicketSeq, 20);
    assertThat(window.reserveBelow("k", 100, false, 0, WINDOW, WINDOW + 1, openAi("gpt-4o", "hi"))).isEqualTo(20);
  }
}
