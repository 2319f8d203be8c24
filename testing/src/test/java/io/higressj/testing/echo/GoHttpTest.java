package io.higressj.testing.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoHttpTest {

    @Test
    void canonicalHeaderKeyFollowsGo() {
        assertThat(GoHttp.canonicalHeaderKey("x-user-id")).isEqualTo("X-User-Id");
        assertThat(GoHttp.canonicalHeaderKey("content-type")).isEqualTo("Content-Type");
        assertThat(GoHttp.canonicalHeaderKey("CONTENT-TYPE")).isEqualTo("Content-Type");
        assertThat(GoHttp.canonicalHeaderKey("x_user")).isEqualTo("X_user");
        assertThat(GoHttp.canonicalHeaderKey("x-b3-traceid")).isEqualTo("X-B3-Traceid");
        assertThat(GoHttp.canonicalHeaderKey("-x--y")).isEqualTo("-X--Y");
        assertThat(GoHttp.canonicalHeaderKey("www-authenticate")).isEqualTo("Www-Authenticate");
        // Not a token: unchanged.
        assertThat(GoHttp.canonicalHeaderKey("x user")).isEqualTo("x user");
        assertThat(GoHttp.canonicalHeaderKey("x-ü")).isEqualTo("x-ü");
    }

    @Test
    void parsesGoDurations() {
        assertThat(GoHttp.parseDuration("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(GoHttp.parseDuration("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoHttp.parseDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoHttp.parseDuration("2h45m")).isEqualTo(Duration.ofMinutes(165));
        assertThat(GoHttp.parseDuration("-1s")).isEqualTo(Duration.ofSeconds(-1));
        assertThat(GoHttp.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(GoHttp.parseDuration("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(GoHttp.parseDuration(".5s")).isEqualTo(Duration.ofMillis(500));
        assertThatIllegalArgumentException().isThrownBy(() -> GoHttp.parseDuration("abc"))
                .withMessage("time: invalid duration \"abc\"");
        assertThatIllegalArgumentException().isThrownBy(() -> GoHttp.parseDuration("1"))
                .withMessage("time: missing unit in duration \"1\"");
        assertThatIllegalArgumentException().isThrownBy(() -> GoHttp.parseDuration("1x"))
                .withMessage("time: unknown unit \"x\" in duration \"1x\"");
        assertThatIllegalArgumentException().isThrownBy(() -> GoHttp.parseDuration(""))
                .withMessage("time: invalid duration \"\"");
    }

    @Test
    void quotesLikeStrconv() {
        assertThat(GoHttp.quote("text/html")).isEqualTo("\"text/html\"");
        assertThat(GoHttp.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
        assertThat(GoHttp.quote("\u0001")).isEqualTo("\"\\x01\"");
    }
}
