using System.CommandLine;
using System.CommandLine.Parsing;

namespace Relay.Cli.Terminal;

/// <summary>Parses the command line; a line that does not parse exits 2 (bad usage) with what was wrong, not the
/// parser's default of 1, which a CI step would read as "the work failed".</summary>
internal static class Usage
{
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count == 0)
        {
            // Ctrl-C cancels the command's token; it then says what it leaves pending (a read of at most 10 s).
            return await parse.InvokeAsync(
                new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) }
            );
        }

        foreach (var error in parse.Errors)
        {
            Console.Error.WriteLine($"relay: {error.Message}");
        }

        var names = new List<string>();
        for (var command = parse.CommandResult; command is not null; command = command.Parent as CommandResult)
        {
            names.Insert(0, command.Command.Name);
        }

        names[0] = "relay";
        Console.Error.WriteLine($"see: {string.Join(' ', names)} --help");
        return ExitCodes.Usage;
    }
}
