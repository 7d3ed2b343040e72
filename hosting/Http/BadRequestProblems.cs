using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Relay.Hosting.Http;

/// <summary>
/// Turns request binding failures (malformed JSON, wrong types, unknown fields, non-numeric route
/// or query values, bodies over the size limit) into problem details that name the offending
/// field, in the API's words rather than .NET's.
/// </summary>
public sealed partial class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken
    )
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, message) = Describe(bad);
        httpContext.Response.StatusCode = bad.StatusCode;
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title =
                bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is too large."
                    : "The request could not be read.",
            Detail = message,
        };
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = details,
                Exception = exception,
            }
        );
    }

    private static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            return DescribeJson(json);
        }

        if (BindFailure().Match(bad.Message) is { Success: true } bind)
        {
            // A paging record's property (Limit) is the query's limit.
            var (type, name, value) = (
                bind.Groups["type"].Value,
                JsonNamingPolicy.CamelCase.ConvertName(bind.Groups["name"].Value),
                bind.Groups["value"].Value
            );
            value = value.Length <= 40 ? value : value[..40] + "…";
            return (name, $"{name} must be {Expected(type)}; \"{value}\" is not.");
        }

        if (bad.Message.Contains("no body was provided", StringComparison.Ordinal))
        {
            return ("body", "A JSON body is required.");
        }

        return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ("body", bad.Message)
            : ("request", bad.Message);
    }

    /// <summary>
    /// A value of the wrong type, or a field the body does not have, is the field's error; anything
    /// else (truncated, trailing text, not JSON at all) is the body's, whatever path the reader had reached.
    /// </summary>
    private static (string Field, string Message) DescribeJson(JsonException json)
    {
        var field = JsonPathToField(json.Path);
        if (
            json.InnerException is InvalidOperationException text
            && text.Message.Contains("UTF-", StringComparison.Ordinal)
        )
        {
            // The reader checks escapes when it makes the string: "\ud800" alone is no character.
            return (field, $"{field} is not valid text: it holds a lone surrogate (\\ud800 without its pair).");
        }

        if (DuplicateMember().Match(json.Message) is { Success: true } duplicate)
        {
            var name = duplicate.Groups["name"].Value;
            return (name, $"{name} is given twice; each field appears once.");
        }

        if (json.Message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            var type = json.Message["The JSON value could not be converted to ".Length..]
                .Split([". Path:", ". "], 2, StringSplitOptions.None)[0];
            return (field, $"{field} must be {Expected(MemberType(type, field) ?? type)}.");
        }

        if (UnknownMember().Match(json.Message) is { Success: true } unknown)
        {
            var name = unknown.Groups["name"].Value;
            return (name, $"{name} is not a field of this request body.");
        }

        if (MissingRequired().Match(json.Message) is { Success: true } missing)
        {
            var name = missing.Groups["name"].Value;
            return (name, $"{name} is required.");
        }

        var reason = json.Message.Split(" Path:", 2)[0].TrimEnd('.');
        var where =
            json.LineNumber is { } line && json.BytePositionInLine is { } position
                ? $" (line {line + 1}, byte {position + 1})"
                : "";
        return ("body", $"The body is not valid JSON: {reason}{where}.");
    }

    private static string Expected(string type) =>
        type switch
        {
            _ when type.Contains("Int64", StringComparison.Ordinal)
                    || type.Contains("Int32", StringComparison.Ordinal)
                    || type.Contains("long", StringComparison.Ordinal)
                    || type.Contains("int", StringComparison.Ordinal) => "a whole number",
            _ when type.Contains("Boolean", StringComparison.Ordinal)
                    || type.Contains("bool", StringComparison.Ordinal) => "true or false",
            _ when type.Contains("String", StringComparison.Ordinal)
                    || type.Contains("string", StringComparison.Ordinal) => "a string",
            _ => "a value of the documented type",
        };

    /// <summary>
    /// With constructor-bound records the reader names the record, not the member: look the member's
    /// type up so the message can say what was expected.
    /// </summary>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026:RequiresUnreferencedCode",
        Justification = "Only words a message: a type or member trimmed away makes it say 'a value of the documented type'."
    )]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "As above.")]
    private static string? MemberType(string typeName, string field)
    {
        var type = AppDomain
            .CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(typeName))
            .FirstOrDefault(t => t is not null);
        var property = type
            ?.GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
        return property is null
            ? null
            : (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType).Name;
    }

    private static string JsonPathToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    // "Failed to bind parameter \"Nullable<int> wait\" from \"abc\"." names the type, then the parameter.
    [GeneratedRegex("parameter \"(?<type>[^\"]*?) (?<name>\\w+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindFailure();

    [GeneratedRegex("The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex("Duplicate property '(?<name>[^']*)' encountered")]
    private static partial Regex DuplicateMember();

    [GeneratedRegex("missing required properties including: '(?<name>[^']*)'")]
    private static partial Regex MissingRequired();
}
