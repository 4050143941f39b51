package dev.rpcws.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {
    /** Expected texts are what Node's Buffer.toString('utf8') returns for the same bytes (Node 20). */
    @ParameterizedTest
    @CsvSource({
            "eda080,\ufffd\ufffd\ufffd", "edbf,\ufffd\ufffd", "61ff62c3,a\ufffdb\ufffd", "f4908080,\ufffd\ufffd\ufffd\ufffd",
            "e282,\ufffd", "f09f9880,\ud83d\ude00", "c0af,\ufffd\ufffd", "e080af,\ufffd\ufffd\ufffd", "efbfbd,\ufffd",
            "ed9fbf,\ud7ff", "f0908080ff,\ud800\udc00\ufffd", "'',''"})
    void replacesInvalidSequencesAsNodeDoes(String hex, String expected) {
        assertThat(Utf8.decodeReplacing(HexFormat.of().parseHex(hex))).isEqualTo(expected);
    }
}
