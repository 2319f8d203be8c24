package io.higressj.config.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

/** The direct reading of the API server's time format gives what {@code OffsetDateTime.parse} gives. */
class CreationTimestampTest {
  @Test
  void readsAsTheJdkDoes() {
    for (String s : new String[] {"2024-01-31T12:00:00Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2000-02-29T08:30:05Z", "1969-12-31T23:59:59Z",
        "2024-01-31T12:00:00.5Z", "2024-01-31T12:00:00+02:00", "2024-01-31T12:00:00-00:30"}) {
      assertThat(IngressValidator.creationTimestamp(s)).as(s).isEqualTo(OffsetDateTime.parse(s).toInstant());
    }
  }

  @Test
  void rejectsWhatTheJdkRejects() {
    for (String s : new String[] {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z",
        "2024-01-32T00:00:00Z", "2024-01-31T24:00:00Z", "2024-01-31T12:60:00Z", "2024-01-31T12:00:60Z",
        "2024-01-31 12:00:00Z", "2024-1-31T12:00:00Z", "2024-01-31T12:00:0aZ", "yesterday", ""}) {
      assertThatThrownBy(() -> IngressValidator.creationTimestamp(s)).as(s).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> OffsetDateTime.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
    }
  }
}
