package dev.aiwarden.hook.jdkhttp;

import dev.aiwarden.bootstrap.Warden;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;

/** The application's {@link BodyHandler}, with its subscriber wrapped in a {@link TeeBodySubscriber}. */
final class TeeBodyHandler<T> implements BodyHandler<T> {
  private final Object handle;
  private final BodyHandler<T> delegate;

  TeeBodyHandler(Object handle, BodyHandler<T> delegate) {
    this.handle = handle;
    this.delegate = delegate;
  }

  @Override
  public BodySubscriber<T> apply(ResponseInfo info) {
    BodySubscriber<T> subscriber = delegate.apply(info);
    if (subscriber == null) {
      return null;
    }
    try {
      return new TeeBodySubscriber<>(handle, info, subscriber);
    } catch (Throwable t) {
      Warden.hookError("jdk-httpclient.subscriber", t);
      Warden.failed(handle, t);
      return subscriber;
    }
  }
}
