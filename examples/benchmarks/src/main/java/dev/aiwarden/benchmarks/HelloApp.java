package dev.aiwarden.benchmarks;

/** An application that never calls an AI endpoint: the start-up floor. */
public final class HelloApp {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
