using Relay.Contracts.Personnel;

namespace Relay.Server.Import;

/// <summary>One line of an import as read, before its fields are checked.</summary>
/// <param name="Line">1-based line number in the uploaded file (the CSV header is line 1).</param>
/// <param name="Id">The optional id column, as written.</param>
/// <param name="Error">Set when the line could not be read into fields at all.</param>
/// <param name="ValidFrom">The optional validFrom column or field, as written.</param>
/// <param name="ValidUntil">The optional validUntil column or field, as written.</param>
internal sealed record ImportLine(
    int Line,
    string? Id,
    string? Name,
    string? Surname,
    string? Ssn,
    ImportError? Error = null,
    string? ValidFrom = null,
    string? ValidUntil = null
);

/// <summary>A line that passed every check, ready to stage. A line without a window clears the personnel's: an
/// imported line is the whole record, as a <c>PUT</c> is.</summary>
internal sealed record ImportRow(
    int Line,
    long? Id,
    string Name,
    string Surname,
    string Ssn,
    DateTime? ValidFrom = null,
    DateTime? ValidUntil = null
);

/// <summary>Why one line of an import was refused.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Field">The field at fault, or <c>line</c> when the line as a whole is.</param>
internal sealed record ImportError(int Line, string Field, string Message);

/// <summary>The rules every imported line meets: the same as <c>POST /personnel</c>'s.</summary>
internal static class ImportRules
{
    public const int MaxNameLength = 100;

    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    /// <summary>Checks a line's fields; adds one error per bad field and returns the row when there is none.</summary>
    public static ImportRow? Check(ImportLine line, List<ImportError> errors)
    {
        if (line.Error is not null)
        {
            errors.Add(line.Error);
            return null;
        }

        var before = errors.Count;
        long? id = null;
        if (!string.IsNullOrEmpty(line.Id))
        {
            if (
                long.TryParse(
                    line.Id,
                    System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var parsed
                )
                && parsed > 0
            )
            {
                id = parsed;
            }
            else
            {
                errors.Add(new ImportError(line.Line, "id", "id must be empty or a positive integer."));
            }
        }

        CheckName(line.Line, "name", line.Name, errors);
        CheckName(line.Line, "surname", line.Surname, errors);
        if (!Ssn.IsValid(line.Ssn))
        {
            errors.Add(new ImportError(line.Line, "ssn", $"ssn must be {Ssn.Rule}."));
        }

        var from = CheckTime(line.Line, "validFrom", line.ValidFrom, errors);
        var until = CheckTime(line.Line, "validUntil", line.ValidUntil, errors);
        if (errors.Count == before && ValidityWindow.Problem(from, until) is { } window)
        {
            errors.Add(new ImportError(line.Line, window.Field, window.Message));
        }

        return errors.Count > before
            ? null
            : new ImportRow(
                line.Line,
                id,
                line.Name!,
                line.Surname!,
                line.Ssn!,
                ValidityWindow.Normalize(from),
                ValidityWindow.Normalize(until)
            );
    }

    /// <summary>An ISO 8601 time (an offset, or Z; UTC when it has none), or null when empty.</summary>
    private static DateTime? CheckTime(int line, string field, string? value, List<ImportError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (
            DateTimeOffset.TryParseExact(
                value.Trim(),
                TimeFormats,
                System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal,
                out var parsed
            )
        )
        {
            return parsed.UtcDateTime;
        }

        errors.Add(
            new ImportError(line, field, $"{field} must be empty or an ISO 8601 time such as 2026-12-31T23:00:00Z.")
        );
        return null;
    }

    private static void CheckName(int line, string field, string? value, List<ImportError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new ImportError(line, field, $"{field} is required."));
        }
        else if (value.Length > MaxNameLength)
        {
            errors.Add(new ImportError(line, field, $"{field} must be at most {MaxNameLength} characters."));
        }
        else if (ShownText.Problem(value) is { } problem)
        {
            errors.Add(new ImportError(line, field, $"{field} {problem}."));
        }
    }
}
