using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Relay.Server.Import;

/// <summary>
/// Reads <c>application/x-ndjson</c>: one JSON object per line,
/// <c>{"name": "...", "surname": "...", "ssn": "...", "id": 7, "validUntil": "2027-01-01T00:00:00Z"}</c> (id and
/// the window optional). Lines are cut
/// from the body as it arrives; a line longer than any valid one ends the read.
/// </summary>
internal static class NdjsonImportReader
{
    public const int MaxLineBytes = 16 * 1024;

    public static async IAsyncEnumerable<ImportLine> ReadAsync(
        PipeReader body,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        var lineNumber = 0;
        while (true)
        {
            var read = await body.ReadAsync(ct);
            var buffer = read.Buffer;
            var lines = new List<ImportLine>();
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                lineNumber++;
                if (Parse(lineNumber, buffer.Slice(0, end)) is { } line)
                {
                    lines.Add(line);
                }

                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }

            if (buffer.Length > MaxLineBytes)
            {
                throw new ImportFormatException(
                    new ImportError(
                        lineNumber + 1,
                        "line",
                        $"is longer than {MaxLineBytes} bytes; no valid line is that long."
                    )
                );
            }

            if (read.IsCompleted && !buffer.IsEmpty && Parse(++lineNumber, buffer) is { } last)
            {
                lines.Add(last);
            }

            body.AdvanceTo(buffer.Start, buffer.End);
            foreach (var line in lines)
            {
                yield return line;
            }

            if (read.IsCompleted)
            {
                yield break;
            }
        }
    }

    /// <summary>One line's object; null for a blank line.</summary>
    private static ImportLine? Parse(int line, ReadOnlySequence<byte> bytes)
    {
        if (IsBlank(bytes))
        {
            return null;
        }

        var reader = new Utf8JsonReader(bytes);
        var field = "line";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            reader.Read();

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Bad(line, "line", "must be a JSON object with name, surname, ssn and optionally id.");
            }

            string? id = null,
                name = null,
                surname = null,
                ssn = null,
                validFrom = null,
                validUntil = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                field = "line";
                field = reader.GetString()!;
                if (!seen.Add(field))
                {
                    return Bad(line, Shorten(field), $"{Shorten(field)} is given twice; each field appears once.");
                }

                reader.Read();
                switch (field)
                {
                    case "id" when reader.TokenType is JsonTokenType.Number:
                        id = reader.TryGetInt64(out var number)
                            ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
                            : "-";
                        break;
                    case "id" when reader.TokenType is JsonTokenType.Null:
                        break;
                    case "id":
                        return Bad(line, "id", "id must be a positive integer or null.");
                    case "name" or "surname" or "ssn" when reader.TokenType is JsonTokenType.String:
                        var value = reader.GetString();
                        _ = field switch
                        {
                            "name" => name = value,
                            "surname" => surname = value,
                            _ => ssn = value,
                        };
                        break;
                    case "name" or "surname" or "ssn":
                        return Bad(line, field, $"{field} must be a string.");
                    case "validFrom" or "validUntil" when reader.TokenType is JsonTokenType.String:
                        _ = field == "validFrom" ? validFrom = reader.GetString() : validUntil = reader.GetString();
                        break;
                    case "validFrom" or "validUntil" when reader.TokenType is JsonTokenType.Null:
                        break;
                    case "validFrom" or "validUntil":
                        return Bad(line, field, $"{field} must be an ISO 8601 time as a string, or null.");
                    default:
                        return Bad(
                            line,
                            Shorten(field),
                            "is not a field of an import; the fields are id (optional), name, surname, ssn, validFrom and validUntil "
                                + "(optional)."
                        );
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return Bad(line, "line", "must hold one JSON object and nothing else.");
            }

            return new ImportLine(line, id, name, surname, ssn, ValidFrom: validFrom, ValidUntil: validUntil);
        }
        catch (JsonException)
        {
            return Bad(line, "line", "is not valid JSON.");
        }
        catch (InvalidOperationException)
        {
            // The reader checks UTF-8 and escapes only when a string is read: bytes that are not UTF-8, or an
            // escaped lone surrogate ("\ud800"), are text no site could show.
            return Bad(
                line,
                Shorten(field),
                "is not valid text: bytes that are not UTF-8, or a lone surrogate (\\ud800 without its pair)."
            );
        }
    }

    private static string Shorten(string field) => field.Length <= 40 ? field : field[..40];

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static ImportLine Bad(int line, string field, string message) =>
        new(line, null, null, null, null, new ImportError(line, field, message));
}
