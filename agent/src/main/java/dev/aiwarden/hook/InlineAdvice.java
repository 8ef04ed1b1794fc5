package dev.aiwarden.hook;

/**
 * One hook's advice on one method, as plain data for the {@link InlineWeaver}: which method, and
 * which static methods (of the hook's injected adapter classes) the woven code calls.
 *
 * <ul>
 *   <li>{@link #enter}: called before the first instruction; returns the call's handle (kept in a
 *       local the weaver adds) or {@code void}. It may throw a policy denial, which reaches the
 *       caller and the original method never runs; anything else it throws is caught in the woven
 *       code, reported once, and the original runs (fail open).
 *   <li>{@link #exit}: called before each return of the method; returns what the method returns
 *       (or {@code void} to leave the value alone). Must never throw (adapters catch).
 *   <li>{@link #thrown}: called when the original method throws; returns the {@code Throwable} to
 *       throw (the one it was given, unless it has a reason). Must never throw.
 * </ul>
 *
 * Arguments of these calls are {@linkplain #THIS this}, an argument of the method (its index),
 * the {@linkplain #ENTER handle}, the {@linkplain #RETURN returned value} or the {@linkplain
 * #THROWN thrown} one, or a {@linkplain #field field} of this; reference parameters of the called method are typed {@code Object} (or the
 * argument's own type), primitives exactly as the method's.
 */
public final class InlineAdvice {
  /** The instance the method runs on. */
  public static final int THIS = -1;

  /** What {@link #enter} returned (null when it failed or returned null). */
  public static final int ENTER = -2;

  /** The value about to be returned ({@link #exit} only). */
  public static final int RETURN = -3;

  /** The throwable about to leave the method ({@link #thrown} only). */
  public static final int THROWN = -4;

  /** The first {@link #field} code. */
  private static final int FIELD_BASE = -100;

  final String method;
  final int argCount;
  String[] fields = new String[0];
  final String[] argTypes;
  int access;
  Call enter;
  int argument = -1;
  Call replacement;
  Call skip;
  String skipType;
  Call exit;
  String exitField;
  Call exitFieldValue;
  Call thrown;

  private InlineAdvice(String method, int argCount, String[] argTypes) {
    this.method = method;
    this.argCount = argCount;
    this.argTypes = argTypes;
  }

  /**
   * The methods named {@code method} taking {@code argCount} arguments (any number when
   * negative), whose first arguments have the binary type names {@code argTypes} (null: any).
   */
  public static InlineAdvice on(String method, int argCount, String... argTypes) {
    return new InlineAdvice(method, argCount, argTypes);
  }

  /** Calls {@code owner.name(descriptor)} on entry with {@code args}. */
  public InlineAdvice enter(String owner, String name, String descriptor, int... args) {
    enter = new Call(owner, name, descriptor, args);
    return this;
  }

  /**
   * Names the instance fields (declared by the class woven) that {@link #field field(i)} bindings
   * read: the value each has when the call is made.
   */
  public InlineAdvice fields(String... names) {
    fields = names;
    return this;
  }

  /** The binding of the {@code index}-th of {@link #fields}. */
  public static int field(int index) {
    return FIELD_BASE - index;
  }

  /** The index into {@link #fields} of a binding, or -1 when it is no field binding. */
  static int fieldIndex(int binding) {
    return binding <= FIELD_BASE ? FIELD_BASE - binding : -1;
  }

  /** Only methods with these access flags (e.g. {@code Opcodes.ACC_PRIVATE}). */
  public InlineAdvice access(int flags) {
    access = flags;
    return this;
  }

  /**
   * After {@link #enter}, sets argument {@code index} to what {@code owner.name(descriptor)}
   * returns (a failure of that call leaves the argument as it was).
   */
  public InlineAdvice argument(int index, String owner, String name, String descriptor, int... args) {
    argument = index;
    replacement = new Call(owner, name, descriptor, args);
    return this;
  }

  /**
   * When {@link #enter} returned a {@code PolicyDeniedException}, the method is skipped and
   * returns what {@code owner.name(descriptor)} makes of it (its one argument: the handle).
   */
  public InlineAdvice skipOnDenial(String owner, String name, String descriptor) {
    return skipOn("dev.aiwarden.bootstrap.PolicyDeniedException", owner, name, descriptor);
  }

  /**
   * When {@link #enter} returned an instance of {@code type} (binary name; a JDK or bootstrap
   * type), the method is skipped and returns what {@code owner.name(descriptor)} makes of it.
   */
  public InlineAdvice skipOn(String type, String owner, String name, String descriptor) {
    skipType = type.replace('.', '/');
    skip = new Call(owner, name, descriptor, new int[] {ENTER});
    return this;
  }

  /** Calls {@code owner.name(descriptor)} before each return with {@code args}. */
  public InlineAdvice exit(String owner, String name, String descriptor, int... args) {
    exit = new Call(owner, name, descriptor, args);
    return this;
  }

  /**
   * After {@link #exit}, sets the field {@code field} of this to what {@code owner.name(descriptor)}
   * returns, given the field's value, the value the method was about to return and the one
   * {@link #exit} returned (in that order; no other binding).
   */
  public InlineAdvice exitSets(String field, String owner, String name, String descriptor) {
    exitField = field;
    exitFieldValue = new Call(owner, name, descriptor, new int[0]);
    return this;
  }

  /** Calls {@code owner.name(descriptor)} when the method throws, with {@code args}. */
  public InlineAdvice thrown(String owner, String name, String descriptor, int... args) {
    thrown = new Call(owner, name, descriptor, args);
    return this;
  }

  /** True for a method this advice applies to (constructors and initialisers never). */
  boolean matches(int access, String name, String descriptor) {
    if (!name.equals(method)
        || (access & 0x0500) != 0 // ACC_NATIVE | ACC_ABSTRACT
        || (access & this.access) != this.access) {
      return false;
    }
    if (argCount < 0 && argTypes.length == 0) {
      return true;
    }
    org.objectweb.asm.Type[] args = org.objectweb.asm.Type.getArgumentTypes(descriptor);
    if (argCount >= 0 && args.length != argCount) {
      return false;
    }
    for (int i = 0; i < argTypes.length; i++) {
      if (argTypes[i] != null
          && (i >= args.length || !argTypes[i].equals(args[i].getClassName()))) {
        return false;
      }
    }
    return true;
  }

  /** One static call of the woven code. */
  static final class Call {
    final String owner;
    final String name;
    final String descriptor;
    final int[] args;

    Call(String owner, String name, String descriptor, int[] args) {
      this.owner = owner.replace('.', '/');
      this.name = name;
      this.descriptor = descriptor;
      this.args = args;
    }
  }
}
