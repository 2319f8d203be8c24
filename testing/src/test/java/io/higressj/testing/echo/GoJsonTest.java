package io.higressj.testing.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GoJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void writesLikeMarshalIndentWithOneSpace() throws Exception {
        String json = GoJson.marshalIndent(mapper.readTree(
                "{\"b\":[1,\"x\"],\"a\":{\"z\":true,\"y\":null},\"c\":{},\"d\":[],\"e\":\"<&>\"}"));
        assertThat(json).isEqualTo("""
                {
                 "a": {
                  "y": null,
                  "z": true
                 },
                 "b": [
                  1,
                  "x"
                 ],
                 "c": {},
                 "d": [],
                 "e": "\\u003c\\u0026\\u003e"
                }""");
    }

    @Test
    void formatsNumbersAsFloat64() {
        assertThat(GoJson.formatFloat64(1)).isEqualTo("1");
        assertThat(GoJson.formatFloat64(1.5)).isEqualTo("1.5");
        assertThat(GoJson.formatFloat64(-0.25)).isEqualTo("-0.25");
        assertThat(GoJson.formatFloat64(1e21)).isEqualTo("1e+21");
        assertThat(GoJson.formatFloat64(1.5e-7)).isEqualTo("1.5e-7");
        assertThat(GoJson.formatFloat64(123456789)).isEqualTo("123456789");
        assertThat(GoJson.formatFloat64(1e20)).isEqualTo("100000000000000000000");
    }
}
