using Relay.Client.Inbox;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.Unit;

public sealed class MessageValidatorTests
{
    private static readonly PersonnelRecord Valid = new(1, "Isaac", "Newton", "12345678900");

    public static TheoryData<string, DeliverFrame> Invalid =>
        new()
        {
            { "message id", new DeliverFrame(0, MessageUids.For(0), new MessageBody(MessageKind.DeleteAll)) },
            { "short uid", new DeliverFrame(1, "abc", new MessageBody(MessageKind.DeleteAll)) },
            {
                "empty update",
                new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Update, Personnel: []))
            },
            {
                "update with ids",
                new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Update, [Valid], [1]))
            },
            {
                "upper-case uid",
                new DeliverFrame(
                    1,
                    MessageUids.For(1).ToUpperInvariant().Replace('0', 'A'),
                    new MessageBody(MessageKind.DeleteAll)
                )
            },
            { "empty save", new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Save, Personnel: [])) },
            { "save without personnel", new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Save)) },
            {
                "short ssn",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Save, Personnel: [Valid with { Ssn = "1234567890" }])
                )
            },
            {
                "letters in ssn",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Save, Personnel: [Valid with { Ssn = "1234567890a" }])
                )
            },
            {
                "blank name",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Save, Personnel: [Valid with { Name = " " }])
                )
            },
            {
                "long surname",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Save, Personnel: [Valid with { Surname = new string('x', 101) }])
                )
            },
            {
                "zero id",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Save, Personnel: [Valid with { Id = 0 }])
                )
            },
            {
                "save with ids",
                new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Save, [Valid], [1]))
            },
            { "delete without ids", new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Delete)) },
            {
                "delete negative id",
                new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Delete, PersonnelIds: [3, -3]))
            },
            {
                "delete all with ids",
                new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.DeleteAll, PersonnelIds: [3]))
            },
            {
                "patch without part",
                new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Patch, [Valid], [2]))
            },
            {
                "patch deleting what it saves",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Patch, [Valid], [1], new StagedPart("s", 1, 1))
                )
            },
            {
                "patch with repeated ids",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Patch, PersonnelIds: [2, 2], Part: new StagedPart("s", 1, 1))
                )
            },
            {
                "patch part beyond parts",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Patch, PersonnelIds: [2], Part: new StagedPart("s", 3, 2))
                )
            },
            {
                "patch with an invalid personnel",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Patch, [Valid with { Ssn = "1" }], Part: new StagedPart("s", 1, 1))
                )
            },
            {
                "save with a part",
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(MessageKind.Save, [Valid], Part: new StagedPart("s", 1, 1))
                )
            },
            { "undefined kind", new DeliverFrame(1, MessageUids.For(1), new MessageBody((MessageKind)99)) },
        };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void AnInvalidMessageIsRefusedWithAReason(string because, DeliverFrame frame)
    {
        Assert.False(string.IsNullOrWhiteSpace(MessageValidator.Validate(frame)), because);
    }

    [Fact]
    public void ValidMessagesOfEveryKindPass()
    {
        Assert.Null(
            MessageValidator.Validate(
                new DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new MessageBody(
                        MessageKind.Save,
                        Personnel: [Valid, Valid with { Id = 2, Name = "Ünïcødé ' OR 1=1; --" }]
                    )
                )
            )
        );
        Assert.Null(
            MessageValidator.Validate(
                new DeliverFrame(2, MessageUids.For(2), new MessageBody(MessageKind.Delete, PersonnelIds: [1, 2]))
            )
        );
        Assert.Null(
            MessageValidator.Validate(new DeliverFrame(3, MessageUids.For(3), new MessageBody(MessageKind.DeleteAll)))
        );
        Assert.Null(
            MessageValidator.Validate(
                new DeliverFrame(4, MessageUids.For(4), new MessageBody(MessageKind.Update, Personnel: [Valid]))
            )
        );
        Assert.Null(
            MessageValidator.Validate(
                new DeliverFrame(
                    5,
                    MessageUids.For(5),
                    new MessageBody(MessageKind.Patch, [Valid], [2, 3], new StagedPart("s", 1, 2))
                )
            )
        );
        Assert.Null(
            MessageValidator.Validate(
                new DeliverFrame(
                    6,
                    MessageUids.For(6),
                    new MessageBody(MessageKind.Patch, PersonnelIds: [4], Part: new StagedPart("s", 2, 2))
                )
            )
        );
    }
}
