package dev.aiwarden.hook.azurecore;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * A subscriber in a chain that passes every signal on to the one below it unchanged and hides the
 * source's subscription behind its own, as a plain operator does (no fusion through it). The
 * azure-core adapters' one object per subscription: subclasses look at the signals they need.
 */
abstract class Relay<T> implements CoreSubscriber<T>, Subscription {
  final CoreSubscriber<? super T> actual;
  private Subscription upstream;

  Relay(CoreSubscriber<? super T> actual) {
    this.actual = actual;
  }

  @Override
  public Context currentContext() {
    return actual.currentContext();
  }

  @Override
  public void onSubscribe(Subscription s) {
    upstream = s;
    actual.onSubscribe(this);
  }

  @Override
  public void onNext(T value) {
    actual.onNext(value);
  }

  @Override
  public void onError(Throwable error) {
    actual.onError(error);
  }

  @Override
  public void onComplete() {
    actual.onComplete();
  }

  @Override
  public void request(long n) {
    upstream.request(n);
  }

  @Override
  public void cancel() {
    upstream.cancel();
  }
}
