package dev.prune.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;

/**
 * Reads round_to as any int field, except that events written before the field existed, which lack
 * it, read as 1 (no rounding). A plain int would fail there: the codec refuses absent primitives.
 */
final class RoundToDeserializer extends StdDeserializer<Integer> {
    RoundToDeserializer() {
        super(Integer.TYPE);
    }

    @Override
    public Integer deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        return _parseIntPrimitive(parser, context);
    }

    /** An explicit null is refused like a null in any other int field. */
    @Override
    public Integer getNullValue(DeserializationContext context) throws JsonMappingException {
        _verifyNullForPrimitive(context);
        return 0;
    }

    @Override
    public Object getAbsentValue(DeserializationContext context) {
        return 1;
    }
}
