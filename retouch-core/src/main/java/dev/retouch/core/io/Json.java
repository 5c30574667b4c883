package dev.retouch.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Strict JSON for configuration records: pretty-printed output with fields in record-component order and map
 * keys sorted; input that fails on unknown fields, missing fields, duplicate keys, trailing content and
 * type coercions (a string where a number is expected, a float where an int is expected).
 */
public final class Json {
    /** Shared strict mapper; also used for safetensors headers. Thread-safe once configured. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    static {
        // A safetensors header may be up to 100 MB, with long names and metadata strings.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE).build());
    }

    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

    private Json() {
    }

    /** {@code value} (typically a record) as pretty-printed JSON ending with a newline. */
    public static String toJson(Object value) {
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new RetouchException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Reads {@code json} as {@code type}; errors name the source "JSON text". */
    public static <T> T fromJson(String json, Class<T> type) {
        return fromJson(json, type, "JSON text");
    }

    /** Reads {@code json} as {@code type}; {@code source} (e.g. a file name) is named in error messages. */
    public static <T> T fromJson(String json, Class<T> type, String source) {
        return fromTree(readTree(json, source), type, source);
    }

    /** Reads the JSON file {@code file} as {@code type}. */
    public static <T> T read(Path file, Class<T> type) {
        return fromJson(readString(file), type, file.toString());
    }

    /**
     * Reads the JSON file {@code file} as a tree (for formats read key by key, e.g. other libraries' configs);
     * a missing, unreadable or malformed file is one error naming it.
     */
    public static JsonNode readTree(Path file) {
        return readTree(readString(file), file.toString());
    }

    /** Writes {@code value} as pretty-printed JSON to {@code file}, atomically. */
    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, toJson(value));
    }

    static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RetouchException("file " + file + " does not exist");
        } catch (IOException e) {
            throw new RetouchException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code json} as a tree; the document must be one JSON value with no duplicate keys. */
    static JsonNode readTree(String json, String source) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new RetouchException(source + " is empty; expected a JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RetouchException(source + " is not valid JSON" + location(e) + ": "
                    + withoutHints(e.getOriginalMessage()), e);
        }
    }

    /** Converts a parsed tree to {@code type}, with a message naming the field that does not fit. */
    static <T> T fromTree(JsonNode node, Class<T> type, String source) {
        Objects.requireNonNull(type, "type");
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new RetouchException(source + " does not match " + type.getSimpleName() + ": " + describe(e), e);
        }
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return "unknown field '" + path(u) + "'; expected only: " + known;
        }
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return "invalid value" + (v.getPath().isEmpty() ? "" : " at '" + path(v) + "'") + ": "
                    + v.getCause().getMessage();
        }
        String message = e.getOriginalMessage();
        if (e instanceof MismatchedInputException m && message != null && message.startsWith("Missing")
                && message.contains("creator property") && !m.getPath().isEmpty()) {
            return "missing field '" + path(m) + "'";
        }
        if (e instanceof InvalidDefinitionException) {
            return "type cannot be read from JSON: " + message;
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "field '" + path(m) + "': " + withoutHints(message);
        }
        return message + location(e);
    }

    /** Drops Jackson's advice about its own configuration, which means nothing to a user. */
    static String withoutHints(String message) {
        if (message == null) {
            return "";
        }
        if (message.startsWith("Trailing token")) {
            return "unexpected content after the JSON value";
        }
        return message.replaceAll(" \\(but (might|could) if coercion.*\\)$", "");
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
