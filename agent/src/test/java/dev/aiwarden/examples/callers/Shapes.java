package dev.aiwarden.examples.callers;

import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Application code for the caller tests ({@code dev.aiwarden.examples.} is application code): each
 * method calls into "library" code ({@code search}, a function of the test, in a package the
 * caller search skips) that runs the caller search and a reference search from the same frame.
 */
public final class Shapes {
  private Shapes() {}

  /** The library call made straight from this method. */
  public static <T> T direct(IntFunction<T> search, int frames) {
    return search.apply(frames);
  }

  /** The library call made from a lambda of this class (its frame is a method of this class). */
  public static <T> T fromLambda(IntFunction<T> search, int frames) {
    Supplier<T> call = () -> search.apply(frames);
    return call.get();
  }

  /** The library call made from a nested class of this class. */
  public static <T> T fromNested(IntFunction<T> search, int frames) {
    return new Nested().call(search, frames);
  }

  private static final class Nested {
    <T> T call(IntFunction<T> search, int frames) {
      return search.apply(frames);
    }
  }
}
