using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Bench;

public sealed record ImportResult(
    int Rows,
    double ImportSeconds,
    double UnchangedSeconds,
    double ExportSeconds,
    long ExportBytes
);

/// <summary>
/// A register loaded through the API: <c>rows</c> new personnel as CSV (streamed from a generator,
/// so the bench does not hold the file either), the same file again (every row unchanged), and the
/// whole register exported; each timed from the call to the end of the answer.
/// </summary>
public static class ImportBench
{
    public static async Task<ImportResult> RunAsync(HttpClient api, int rows)
    {
        var (importSeconds, imported) = await ImportAsync(api, rows);
        Require(imported["inserted"]!.GetValue<int>() == rows, imported);
        var (unchangedSeconds, again) = await ImportAsync(api, rows);
        Require(again["unchanged"]!.GetValue<int>() == rows, again);

        var watch = Stopwatch.StartNew();
        using var export = await api.GetAsync("/personnel/export", HttpCompletionOption.ResponseHeadersRead);
        export.EnsureSuccessStatusCode();
        var bytes = 0L;
        await using (var body = await export.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
            }
        }

        return new ImportResult(rows, importSeconds, unchangedSeconds, watch.Elapsed.TotalSeconds, bytes);
    }

    private static async Task<(double Seconds, JsonObject Report)> ImportAsync(HttpClient api, int rows)
    {
        var content = new PushStreamContent(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            await writer.WriteAsync("name,surname,ssn\n");
            for (var i = 0; i < rows; i++)
            {
                await writer.WriteAsync($"Imported,Person {i},{70_000_000_000L + i}\n");
            }
        });
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var watch = Stopwatch.StartNew();
        using var response = await api.PostAsync("/personnel/import", content);
        var text = await response.Content.ReadAsStringAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"import answered {(int)response.StatusCode}: {text}");
        }

        return (seconds, JsonNode.Parse(text)!.AsObject());
    }

    private static void Require(bool condition, JsonObject report)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"unexpected import report: {report.ToJsonString()}");
        }
    }

    private sealed class PushStreamContent(Func<Stream, Task> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
