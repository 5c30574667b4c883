package dev.retouch.core.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated header of a safetensors file: its {@code __metadata__} (empty when absent), the tensors in file
 * order (sorted by data offset) and the header length {@code N}. The data section starts at byte {@code 8 + N}.
 */
public record SafetensorsHeader(Map<String, String> metadata, List<TensorInfo> tensors, long headerLength) {

    public SafetensorsHeader {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = List.copyOf(tensors);
    }

    /** File offset of the first data byte: 8 (the length prefix) plus the header length. */
    public long dataStart() {
        return 8 + headerLength;
    }

    /** Size of the data section: the end offset of the last tensor (0 when there is none). */
    public long dataLength() {
        return tensors.isEmpty() ? 0 : tensors.get(tensors.size() - 1).end();
    }

    /** The tensor called {@code name}, if present. */
    public Optional<TensorInfo> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Tensor names in file order. */
    public List<String> names() {
        return tensors.stream().map(TensorInfo::name).toList();
    }
}
