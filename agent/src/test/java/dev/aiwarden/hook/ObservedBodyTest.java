package dev.aiwarden.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.aiwarden.bootstrap.Warden;
import dev.aiwarden.bootstrap.WardenHooks;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The one inspection buffer of a response body: sized once, filled straight from the buffers. */
class ObservedBodyTest {
  private final WardenHooks core = TestCores.mock();

  @BeforeEach
  void install() {
    Warden.install(core);
  }

  @AfterEach
  void uninstall() {
    Warden.install(null);
  }

  private static byte[] body(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ('a' + i % 26);
    }
    return b;
  }

  /** Netty hands over direct buffers: each is copied once, into the array sized from Content-Length. */
  @Test
  void aJsonBodyInDirectBuffersIsCopiedOnceIntoOneArrayOfItsAnnouncedLength() {
    byte[] content = body(64 * 1024 + 5);
    ObservedBody observed =
        new ObservedBody("call", false, 200, new String[] {"Content-Length", "" + content.length});
    for (int off = 0; off < content.length; off += 1000) {
      int n = Math.min(1000, content.length - off);
      ByteBuffer chunk = ByteBuffer.allocateDirect(n).put(content, off, n).flip();
      observed.tap(chunk);
      assertThat(chunk.remaining()).isEqualTo(n); // the application's buffer is not moved
    }
    observed.end(null);
    observed.end(null);
    ArgumentCaptor<byte[]> got = ArgumentCaptor.forClass(byte[].class);
    verify(core, times(1)).responseReceived(eq("call"), eq(200), any(), got.capture());
    assertThat(got.getValue()).isEqualTo(content);
  }

  @Test
  void tappingAChunkAllocatesNothingProportionalToIt() throws Exception {
    Warden.install(new QuietCore(true));
    byte[] chunk = body(8192);
    ByteBuffer direct = ByteBuffer.allocateDirect(chunk.length).put(chunk).flip();
    ObservedBody json =
        new ObservedBody("call", false, 200, new String[] {"Content-Length", "100000"});
    json.tap(chunk, 0, 1); // the inspection buffer itself, made once
    assertThat(Allocations.perRun(200, () -> json.tap(chunk, 0, 16))).isZero();
    ObservedBody stream = new ObservedBody("call", true, 200, new String[0]);
    assertThat(Allocations.perRun(200, () -> stream.tap(direct)))
        .as("a view of the buffer, not a copy of it")
        .isLessThan(128);
    assertThat(Allocations.perRun(200, () -> stream.tap(chunk, 0, chunk.length))).isZero();
  }

  @Test
  void aBodyOfUnknownLengthIsHandedOverAtItsLength() {
    byte[] content = body(10_000);
    ObservedBody observed = new ObservedBody("call", false, 200, new String[0]);
    for (int off = 0; off < content.length; off += 3000) {
      observed.tap(content, off, Math.min(3000, content.length - off));
    }
    observed.end(null);
    ArgumentCaptor<byte[]> got = ArgumentCaptor.forClass(byte[].class);
    verify(core).responseReceived(eq("call"), eq(200), any(), got.capture());
    assertThat(got.getValue()).isEqualTo(content);
  }

  @Test
  void aBodyReadInOnePieceIsInspectedAsItIsAndLaterBytesAreIgnored() {
    byte[] whole = body(500);
    ObservedBody observed = new ObservedBody("call", false, 200, new String[0]);
    observed.endWith(whole);
    observed.tap(whole, 0, 10);
    observed.end(null);
    ArgumentCaptor<byte[]> got = ArgumentCaptor.forClass(byte[].class);
    verify(core).responseReceived(eq("call"), eq(200), any(), got.capture());
    assertThat(got.getValue()).isSameAs(whole);
  }

  @Test
  void aStreamSeesEveryChunkAndEndsOnce() {
    ObservedBody observed = new ObservedBody("call", true, 200, new String[0]);
    byte[] event = "data: {}\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    observed.tap(ByteBuffer.allocateDirect(event.length).put(event).flip());
    observed.tap(event, 0, event.length);
    observed.end(null);
    observed.end(new java.io.IOException("late"));
    verify(core).streamStarted(eq("call"), eq(200), any());
    verify(core, times(2)).streamData(eq("call"), any(), anyInt(), eq(event.length));
    verify(core).streamEnded("call", null);
    verify(core, never()).failed(any(), any());
  }

  @Test
  void aBodyLongerThanTheLimitIsInspectedInPart() {
    ObservedBody observed =
        new ObservedBody("call", false, 200, new String[] {"content-length", "99999999999"});
    byte[] chunk = new byte[1 << 20];
    for (int i = 0; i < 17; i++) {
      observed.tap(chunk, 0, chunk.length);
    }
    observed.end(null);
    ArgumentCaptor<byte[]> got = ArgumentCaptor.forClass(byte[].class);
    verify(core).responseReceived(eq("call"), eq(200), any(), got.capture());
    assertThat(got.getValue()).hasSize(ObservedBody.MAX_INSPECTED);
    assertThat(Arrays.equals(got.getValue(), 0, 10, chunk, 0, 10)).isTrue();
  }

  /**
   * A small body is inspected in a spare buffer that the next body reuses: the core sees each body
   * exactly (a shorter after a longer one included), nothing of it stays in the spare, and a body
   * costs no array of its own.
   */
  @Test
  void smallBodiesAreInspectedInReusedSpareBuffersThatKeepNothing() throws Exception {
    java.util.List<String> seen = new java.util.ArrayList<>();
    java.util.List<byte[]> arrays = new java.util.ArrayList<>();
    Warden.install(
        new QuietCore(true) {
          @Override
          public void responseReceived(
              Object call, int status, String[] headers, byte[] body, int offset, int length) {
            seen.add(new String(body, offset, length, java.nio.charset.StandardCharsets.UTF_8));
            arrays.add(body);
          }
        });
    byte[] longer = body(700);
    byte[] shorter = body(90);
    for (byte[] content : new byte[][] {longer, shorter}) {
      ObservedBody observed = new ObservedBody("call", false, 200, new String[] {"Content-Length", "" + content.length});
      observed.tap(ByteBuffer.allocateDirect(content.length).put(content).flip());
      observed.end(null);
    }
    assertThat(seen).containsExactly(new String(longer, "UTF-8"), new String(shorter, "UTF-8"));
    assertThat(arrays.get(1)).as("the spare is reused").isSameAs(arrays.get(0));
    assertThat(arrays.get(0)).as("and holds nothing of the bodies").containsOnly((byte) 0);

    Warden.install(new QuietCore(true));
    String[] headers = {"Content-Length", "" + longer.length};
    ByteBuffer chunk = ByteBuffer.wrap(longer);
    long perBody =
        Allocations.perRun(
            20_000,
            () -> {
              ObservedBody observed = new ObservedBody("call", false, 200, headers);
              observed.tap(chunk);
              observed.end(null);
            });
    assertThat(perBody).as("the ObservedBody only, no inspection array").isLessThan(100);
  }
}
