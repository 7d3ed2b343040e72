using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Client.Inbox;

/// <summary>
/// Checks a delivered message before anything is written, so an invalid message is refused as a
/// whole instead of half applied. Returns null when the message is valid, else the reason.
/// </summary>
internal static class MessageValidator
{
    public const int MaxItems = 10_000;
    public const int MaxNameLength = 100;

    public static string? Validate(DeliverFrame frame)
    {
        if (frame.MessageId <= 0)
        {
            return "messageId must be positive.";
        }

        var body = frame.Body;
        return body.Kind switch
        {
            MessageKind.Save => ValidateSave(body),
            MessageKind.Delete => ValidateDelete(body),
            MessageKind.DeleteAll when body.Personnel is { Count: > 0 } || body.PersonnelIds is { Count: > 0 } => "deleteAll carries no personnel or ids.",
            MessageKind.DeleteAll => null,
            _ => $"Unknown message kind {(int)body.Kind}.",
        };
    }

    private static string? ValidateSave(MessageBody body)
    {
        if (body.Personnel is not { Count: > 0 and <= MaxItems } personnel)
        {
            return $"save needs between 1 and {MaxItems} personnel.";
        }

        if (body.PersonnelIds is { Count: > 0 })
        {
            return "save carries personnel, not ids.";
        }

        for (var i = 0; i < personnel.Count; i++)
        {
            var p = personnel[i];
            var problem = p switch
            {
                null => "is null",
                { Id: <= 0 } => "has an id that is not positive",
                _ when !IsName(p.Name) => "has a name that is empty or longer than 100 characters",
                _ when !IsName(p.Surname) => "has a surname that is empty or longer than 100 characters",
                _ when !Ssn.IsValid(p.Ssn) => "has an SSN that is not 11 digits",
                _ => null,
            };
            if (problem is not null)
            {
                return $"personnel[{i}] {problem}.";
            }
        }

        return null;
    }

    private static string? ValidateDelete(MessageBody body)
    {
        if (body.PersonnelIds is not { Count: > 0 and <= MaxItems } ids)
        {
            return $"delete needs between 1 and {MaxItems} ids.";
        }

        if (body.Personnel is { Count: > 0 })
        {
            return "delete carries ids, not personnel.";
        }

        return ids.Any(id => id <= 0) ? "delete ids must be positive." : null;
    }

    private static bool IsName(string? value) => !string.IsNullOrWhiteSpace(value) && value.Length <= MaxNameLength;
}
