package dev.rpcws.server.security;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Failed {@code rpc.login} attempts of one connection. After the last allowed one the connection is closed
 * (1008 "Too many failed logins"), once its reply has gone out: online guessing then costs a reconnect per
 * few tries.
 */
public final class LoginThrottle {
    private static final AtomicIntegerFieldUpdater<LoginThrottle> FAILURES =
            AtomicIntegerFieldUpdater.newUpdater(LoginThrottle.class, "failures");

    private final int maxFailed;
    private volatile int failures;

    /** @param maxFailed failed attempts allowed before the close; 0 allows any number */
    /** @param maxFailed failed attempts allowed; 0: unlimited */
    public LoginThrottle(int maxFailed) {
        this.maxFailed = maxFailed;
    }

    /** Counts a failed attempt. */
    public void failed() {
        FAILURES.incrementAndGet(this);
    }

    /** {@return whether the connection has used up its attempts and must be closed} */
    public boolean exhausted() {
        return maxFailed > 0 && failures >= maxFailed;
    }
}
