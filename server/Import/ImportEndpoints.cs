using System.ComponentModel;
using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Hosting.Auth;
using Relay.Hosting.OpenApi;
using Relay.Server.Audit;
using Relay.Server.Http;
using Relay.Server.Outbox;
using Relay.Server.Personnel;

namespace Relay.Server.Import;

/// <summary>The register in and out in bulk: <c>POST /personnel/import</c> (CSV or NDJSON, all or nothing) and <c>GET
/// /personnel/export</c> (CSV).</summary>
internal static class ImportEndpoints
{
    /// <summary>A million rows of the longest valid names fit; the row limit is what callers meet first.</summary>
    public const long MaxImportBytes = 1L << 30;

    public static void AddImport(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PersonnelImporter>();
        builder.Services.AddSingleton<IRetentionJob, ImportRetention>();
    }

    public static void MapImport(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/personnel").WithTags("Personnel");
        group
            .MapPost("/import", Import)
            .WithName("ImportPersonnel")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .Expensive()
            .WithSummary(
                "Add or change many personnel at once, from CSV or NDJSON, all or nothing; rows are matched by SSN."
            )
            .WithDescription(
                $$"""
                The body is `text/csv` with a header line (`name,surname,ssn`, and optionally `id`, `validFrom` and
                `validUntil`, in any order) or `application/x-ndjson` (one object per line: `{"name": "...", "surname":
                "...", "ssn": "..."}`, optionally with `validFrom` and `validUntil`), read as it arrives, at most
                {{PersonnelImporter.MaxRows:N0}} rows. The window's ends are ISO 8601 times (UTC when no offset is given),
                empty for an open end. A row whose SSN is in the register updates that personnel's name, surname and
                window (a row without a window clears it); any other row adds a personnel under a new id. An `id`, if given, must be the
                personnel's with that SSN: ids are issued by the server only and never reused. If any line
                is invalid nothing changes, and the answer lists the first {{PersonnelImporter.ListedErrors}} bad lines. Changed
                personnel are sent to the clients that hold them (`propagate=false` holds that back); new ones to none.
                """
            )
            .Accepts<string>(false, "text/csv", "application/x-ndjson")
            .WithRequestExamples(
                RequestExample.Text(
                    "text/csv",
                    "name,surname,ssn\nAda,Lovelace,18121052345\nAlan,Turing,23061254321\n"
                ),
                RequestExample.Text(
                    "application/x-ndjson",
                    """
                    {"name": "Ada", "surname": "Lovelace", "ssn": "18121052345"}
                    {"name": "Alan", "surname": "Turing", "ssn": "23061254321"}

                    """
                )
            )
            .WithMetadata(new BodySizeLimit(MaxImportBytes))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group
            .MapGet("/export", Export)
            .WithName("ExportPersonnel")
            .RequireAuthorization(ApiKeyPolicies.Read)
            .Audited(streamed: true)
            .Expensive()
            .WithSummary(
                "The whole register as CSV (id,name,surname,ssn,validFrom,validUntil), by id, from one consistent snapshot; what an import takes back."
            )
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> Import(
        HttpContext http,
        PersonnelImporter importer,
        [Description(PersonnelEndpoints.PropagateText), DefaultValue(true)] bool? propagate,
        CancellationToken ct
    )
    {
        var lines = FormatOf(http.Request.ContentType) switch
        {
            "csv" => CsvImportReader.ReadAsync(http.Request.Body, ct),
            "ndjson" => NdjsonImportReader.ReadAsync(http.Request.BodyReader, ct),
            _ => null,
        };
        if (lines is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "An import is CSV or NDJSON.",
                detail: "Send Content-Type: text/csv (a header line, then one personnel per line) or application/x-ndjson (one JSON object per line), in UTF-8."
            );
        }

        ImportOutcome outcome;
        try
        {
            outcome = await importer.ImportAsync(
                lines,
                propagate != false,
                cleanup => http.Response.OnCompleted(cleanup),
                ct
            );
        }
        catch (ImportFormatException e)
        {
            outcome = new ImportOutcome(null, [e.Error], 1);
        }

        if (outcome.TooManyRows)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The import has too many rows.",
                detail: $"An import takes at most {PersonnelImporter.MaxRows:N0} rows; split the file. Nothing was changed."
            );
        }

        if (outcome.Report is { } report)
        {
            return TypedResults.Ok(report);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The import has invalid lines; nothing was changed.",
            detail: outcome.InvalidLines > outcome.Errors.Count
                ? $"{outcome.InvalidLines} lines are invalid; the first {outcome.Errors.Count} problems are listed."
                : $"{outcome.InvalidLines} {(outcome.InvalidLines == 1 ? "line is" : "lines are")} invalid.",
            extensions: new Dictionary<string, object?>
            {
                ["invalidLines"] = outcome.InvalidLines,
                ["lines"] = outcome.Errors,
            }
        );
    }

    /// <summary>csv, ndjson, or null for anything else (a charset other than UTF-8 included).</summary>
    private static string? FormatOf(string? contentType)
    {
        if (
            !MediaTypeHeaderValue.TryParse(contentType, out var type)
            || (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        )
        {
            return null;
        }

        return type.MediaType.Value?.ToLowerInvariant() switch
        {
            "text/csv" => "csv",
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" => "ndjson",
            _ => null,
        };
    }

    private static PushStreamHttpResult Export(MySqlDataSource db, HttpContext http) =>
        TypedResults.Stream(
            async body =>
            {
                var ct = http.RequestAborted;
                await using var connection = await db.OpenConnectionAsync(ct);

                // One snapshot for every page, so the file is the register at one moment.
                await using var tx = await connection.BeginTransactionAsync(
                    System.Data.IsolationLevel.RepeatableRead,
                    ct
                );
                await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
                foreach (var column in (string[])["id", "name", "surname", "ssn", "validFrom", "validUntil"])
                {
                    csv.WriteField(column);
                }

                await csv.NextRecordAsync();
                long after = 0;
                while (true)
                {
                    var page = await PersonnelRows.PageAsync(connection, tx, after, 5000, ct);
                    if (page.Count == 0)
                    {
                        break;
                    }

                    foreach (var person in page)
                    {
                        csv.WriteField(person.Id);
                        csv.WriteField(person.Name);
                        csv.WriteField(person.Surname);
                        csv.WriteField(person.Ssn);
                        csv.WriteField(Shown(person.ValidFrom));
                        csv.WriteField(Shown(person.ValidUntil));
                        await csv.NextRecordAsync();
                    }

                    http.CountRowsRead(page.Count);
                    after = page[^1].Id;
                }
            },
            "text/csv; charset=utf-8",
            "personnel.csv"
        );

    /// <summary>An end of a window as the import reads it back; empty when open.</summary>
    private static string Shown(DateTime? end) => end is { } e ? ValidityWindow.Format(e) : "";
}
