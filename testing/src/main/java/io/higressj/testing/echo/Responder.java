package io.higressj.testing.echo;

/** What a backend kind does with a request: one implementation per reply style. */
interface Responder {

    /**
     * Called when the request head has arrived; returns the listener for its body, which
     * eventually answers through {@code exchange}.
     */
    BodyListener start(Exchange exchange);
}
