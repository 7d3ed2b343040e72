using System.CommandLine;
using System.Net.Http.Headers;
using Relay.Cli.Operations;
using Relay.Cli.Terminal;

namespace Relay.Cli.Register;

/// <summary><c>relay import</c> and <c>relay export</c>: the whole register as CSV or NDJSON, matched by
/// SSN, all or nothing (docs/api.md, "Bulk import and export").</summary>
internal static class ImportExportCommands
{
    public static IEnumerable<Command> Create() => [Import(), Export()];

    private static Command Import()
    {
        var file = new Argument<string>("file") { Description = "A CSV or NDJSON file, or - for standard input" };
        var format = new Option<string?>("--format")
        {
            Description = "csv or ndjson [default: from the file's extension; csv for standard input]",
        };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var noPropagate = new Option<bool>("--no-propagate")
        {
            Description = "Change the register only: hold the changes back from the clients that hold these personnel",
        };
        var command = new Command("import", "Add or change many personnel at once, all or nothing; matched by SSN")
        {
            file,
            format,
            noPropagate,
            OperationCommands.Wait,
        };
        command.Runs(async run =>
        {
            var path = run.Parse.GetValue(file)!;
            var kind = run.Parse.GetValue(format) ?? FormatOf(path);
            var fromStdin = path == "-";
            if (!fromStdin && !File.Exists(path))
            {
                throw new Api.CommandFailure(ExitCodes.Usage, $"no such file: {path}");
            }

            var query = run.Parse.GetValue(noPropagate) ? "?propagate=false" : "";
            var answer = await run.Api.SendAsync(
                HttpMethod.Post,
                "personnel/import" + query,
                run.Deadline,
                () =>
                {
                    var content = new StreamContent(fromStdin ? Console.OpenStandardInput() : File.OpenRead(path));
                    content.Headers.ContentType = new MediaTypeHeaderValue(
                        kind == "ndjson" ? "application/x-ndjson" : "text/csv"
                    );
                    return content;
                },
                retry: !fromStdin
            );
            var report = answer.Body;
            var operation = report["operationId"]?.GetValue<long>();
            var sent = operation is { } id ? $"; operation {id} sends the changes to the clients that hold them" : "";
            if (operation is { } follow && run.Parse.GetValue(OperationCommands.Wait))
            {
                run.Note(
                    $"relay: {report["rows"]} rows: {report["inserted"]} inserted, {report["updated"]} updated, "
                        + $"{report["unchanged"]} unchanged{sent}"
                );
                return await OperationFollower.FollowAsync(run, follow);
            }

            run.Print(
                report,
                $"{report["rows"]} rows: {report["inserted"]} inserted, {report["updated"]} updated, "
                    + $"{report["unchanged"]} unchanged{sent}"
            );
            return ExitCodes.Done;
        });
        return command;
    }

    private static Command Export()
    {
        var output = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write to this file (created readable by you alone) instead of standard output",
        };
        var command = new Command(
            "export",
            "The whole register as CSV (id,name,surname,ssn,validFrom,validUntil), from one snapshot"
        )
        {
            output,
        };
        command.Runs(async run =>
        {
            using var response = await run.Api.OpenAsync("personnel/export", run.Deadline);
            await using var body = await response.Content.ReadAsStreamAsync(run.Deadline);
            if (run.Parse.GetValue(output) is { } file)
            {
                await using (var target = SecretFile.Create(file.FullName))
                {
                    await body.CopyToAsync(target, run.Deadline);
                }

                run.Note($"relay: exported the register to {file.FullName}");
                return ExitCodes.Done;
            }

            await using var stdout = Console.OpenStandardOutput();
            await body.CopyToAsync(stdout, run.Deadline);
            return ExitCodes.Done;
        });
        return command;
    }

    private static string FormatOf(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".ndjson" or ".jsonl" ? "ndjson" : "csv";
}
