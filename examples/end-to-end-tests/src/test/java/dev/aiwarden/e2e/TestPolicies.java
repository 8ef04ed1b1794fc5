package dev.aiwarden.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small policy files for the denial tests of the client ITs. */
final class TestPolicies {
  private TestPolicies() {}

  /** Writes an enforcing policy that denies {@code model}; returns the agent argument naming it. */
  static String denyingModel(Path dir, String model) throws IOException {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "version: 1\nmode: enforce\nmodels:\n  deny: [\"" + model + "\"]\n");
    return "policy=" + policy;
  }
}
