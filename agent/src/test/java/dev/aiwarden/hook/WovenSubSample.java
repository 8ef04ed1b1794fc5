package dev.aiwarden.hook;

/** A subclass whose woven method reads a field it inherits ({@link InlineWeaverTest}). */
public class WovenSubSample extends WovenSample {
  public WovenSubSample(String name) {
    super(name);
  }

  public String echo(String s) {
    return s;
  }
}
