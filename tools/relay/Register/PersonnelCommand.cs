using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Cli.Terminal;

namespace Relay.Cli.Register;

/// <summary><c>relay personnel add</c>: adds a person to the server's register (it reaches no client until an
/// operation sends it), printing the new id alone so a script can take it.</summary>
internal static class PersonnelCommand
{
    public static Command Create()
    {
        var command = new Command("personnel", "The server's register of personnel");
        command.Subcommands.Add(Add());
        return command;
    }

    private static Command Add()
    {
        var name = new Option<string>("--name") { Description = "1-100 characters", Required = true };
        var surname = new Option<string>("--surname") { Description = "1-100 characters", Required = true };
        var ssn = new Option<string>("--ssn") { Description = "Exactly 11 digits, unique", Required = true };
        var orExisting = new Option<bool>("--or-existing")
        {
            Description = "When the SSN is registered already, answer with that personnel instead of failing",
        };
        var validFrom = new Option<string?>("--valid-from")
        {
            Description = "When access starts, ISO 8601 (e.g. 2027-01-01T08:00:00Z); none by default",
        };
        var validUntil = new Option<string?>("--valid-until")
        {
            Description = "When access ends, ISO 8601; sites stop listing the personnel then, even offline",
        };
        var command = new Command("add", "Add a personnel; prints its id")
        {
            name,
            surname,
            ssn,
            validFrom,
            validUntil,
            orExisting,
        };
        command.Runs(async run =>
        {
            var body = new JsonObject
            {
                ["name"] = run.Parse.GetValue(name),
                ["surname"] = run.Parse.GetValue(surname),
                ["ssn"] = run.Parse.GetValue(ssn),
                ["validFrom"] = run.Parse.GetValue(validFrom),
                ["validUntil"] = run.Parse.GetValue(validUntil),
            };
            var handled = run.Parse.GetValue(orExisting) ? new[] { 409 } : [];
            var answer = await run.Api.SendAsync(
                HttpMethod.Post,
                "personnel",
                run.Deadline,
                () => JsonContent.Create(body),
                handled: handled
            );
            if (answer.Status != 409)
            {
                run.Print(answer.Body, answer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                run.Note($"relay: added personnel {answer.Id}");
                return ExitCodes.Done;
            }

            // A 409 without existingId is a clash on something else: not the person we were asked for.
            if (answer.Body["existingId"]?.GetValue<long>() is not { } existing)
            {
                throw Api.Problem.From(System.Net.HttpStatusCode.Conflict, answer.Text);
            }

            var found = await run.Api.GetAsync($"personnel/{existing}", run.Deadline);
            run.Print(found.Body, existing.ToString(System.Globalization.CultureInfo.InvariantCulture));
            run.Note($"relay: that SSN is registered already, as personnel {existing}");
            return ExitCodes.Done;
        });
        return command;
    }
}
