using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Relay.Server.Import;

/// <summary>
/// Reads <c>text/csv</c> (RFC 4180: quoted fields may hold commas, quotes and line breaks) as it
/// arrives, one record at a time. The header names the columns, in any order: <c>name</c>,
/// <c>surname</c> and <c>ssn</c>, and optionally <c>id</c>, <c>validFrom</c> and <c>validUntil</c>.
/// </summary>
internal static class CsvImportReader
{
    private static readonly string[] Required = ["name", "surname", "ssn"];

    public static async IAsyncEnumerable<ImportLine> ReadAsync(
        Stream body,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        ImportError? badData = null;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // A field longer than any valid one ends the read: it cannot be a name, and an endless one would fill
            // memory.
            MaxFieldSize = 4096,
            DetectDelimiter = false,
            IgnoreBlankLines = true,
            BadDataFound = args =>
                badData ??= new ImportError(
                    args.Context.Parser?.RawRow ?? 0,
                    "line",
                    "has a quote inside an unquoted field, or text after a closing quote."
                ),
        };
        using var reader = new StreamReader(
            body,
            Encoding.UTF8,
            detectEncodingFromByteOrderMarks: true,
            bufferSize: 64 * 1024,
            leaveOpen: true
        );
        using var parser = new CsvParser(reader, config);

        if (!await ReadRecordAsync(parser))
        {
            throw new ImportFormatException(
                new ImportError(
                    1,
                    "header",
                    $"The body is empty; a CSV import starts with a header line such as {string.Join(',', Required)}."
                )
            );
        }

        var columns = HeaderColumns(parser.Record ?? [], parser.RawRow);
        badData = null;
        while (await ReadRecordAsync(parser))
        {
            ct.ThrowIfCancellationRequested();
            var line = parser.RawRow;
            var record = parser.Record ?? [];
            if (badData is { } bad)
            {
                badData = null;
                yield return new ImportLine(line, null, null, null, null, bad with { Line = line });
            }
            else if (record.Length != columns.Count)
            {
                yield return new ImportLine(
                    line,
                    null,
                    null,
                    null,
                    null,
                    new ImportError(line, "line", $"has {record.Length} fields; the header has {columns.Count}.")
                );
            }
            else
            {
                yield return new ImportLine(
                    line,
                    columns.TryGetValue("id", out var id) ? record[id] : null,
                    record[columns["name"]],
                    record[columns["surname"]],
                    record[columns["ssn"]],
                    ValidFrom: columns.TryGetValue("validfrom", out var from) ? record[from] : null,
                    ValidUntil: columns.TryGetValue("validuntil", out var until) ? record[until] : null
                );
            }
        }
    }

    private static async Task<bool> ReadRecordAsync(CsvParser parser)
    {
        try
        {
            return await parser.ReadAsync();
        }
        catch (MaxFieldSizeException)
        {
            throw new ImportFormatException(
                new ImportError(
                    parser.RawRow,
                    "line",
                    "has a field longer than 4096 characters; no valid field is that long."
                )
            );
        }
    }

    private static Dictionary<string, int> HeaderColumns(string[] header, int line)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (name is not ("id" or "name" or "surname" or "ssn" or "validfrom" or "validuntil"))
            {
                throw new ImportFormatException(
                    new ImportError(
                        line,
                        "header",
                        $"'{Shorten(header[i])}' is not a column of an import; the columns are id (optional), name, surname, ssn, validFrom and validUntil (optional)."
                    )
                );
            }

            if (!columns.TryAdd(name, i))
            {
                throw new ImportFormatException(new ImportError(line, "header", $"The column {name} is named twice."));
            }
        }

        var missing = Required.Where(r => !columns.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            throw new ImportFormatException(
                new ImportError(
                    line,
                    "header",
                    $"The header lacks {string.Join(", ", missing)}; a CSV import starts with a header line such as {string.Join(',', Required)}."
                )
            );
        }

        return columns;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>The upload cannot be read on: a bad header, or a line no reader should buffer.</summary>
internal sealed class ImportFormatException(ImportError error) : Exception(error.Message)
{
    public ImportError Error { get; } = error;
}
