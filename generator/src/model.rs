//! The intermediate model: plain data that lowering builds from OpenAPI and the
//! emitter turns into Rust.
//!
//! Every name the emitter prints is decided during lowering and stored here, so
//! the emitter never derives a name itself. Collections are `BTreeMap`s or
//! sorted `Vec`s, so iteration order never depends on the order of discovery.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Everything generated from one set of spec files: one Rust crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// API domains keyed by module name (`chat_v2`).
    pub domains: BTreeMap<String, Domain>,
    /// SID newtypes shared by the whole crate, keyed by their two-letter prefix.
    pub sids: BTreeMap<String, SidType>,
    /// Operations that could not be generated, and why.
    pub skipped: Vec<Skipped>,
    /// Things in the specs that were ignored, and why (an invalid `pattern`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Skipped>,
}

/// A product and version served from one host, such as Chat v2: one module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    /// Module name, also the accessor on the client (`chat_v2`).
    pub module: String,
    /// Name of the entry-point type (`ChatV2`).
    pub rust_name: String,
    /// The API's title from `info.title`.
    pub title: String,
    /// Base URL of every operation in the domain.
    pub server: String,
    /// Spec files this domain was read from.
    pub sources: Vec<String>,
    /// Navigation nodes keyed by normalized path (`/v2/Services/{}/Bindings`).
    pub resources: BTreeMap<String, Resource>,
    /// Structs and enums keyed by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Other names of types, keyed by the alias: names the lock gave places
    /// that were apart and now share one schema (naming rule 16).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, Alias>,
}

/// A type's other name: `pub type ServiceBindingType = BindingType;`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The type it names (a key of [`Domain::types`]).
    pub target: String,
    /// The schema the places now share, as the spec names it.
    pub schema: String,
}

/// One step of the navigation tree: a path that names a list, or an instance
/// under it. A resource may exist only for navigation and own no operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// The spec's path template, if the spec has this path.
    pub path: Option<String>,
    /// A list or an instance.
    pub kind: ResourceKind,
    /// Rust type of the node (`BindingList`, `BindingContext`).
    pub rust_name: String,
    /// Method on the parent node (or the domain) that returns this node.
    pub accessor: String,
    /// Normalized path of the parent node; `None` for a child of the domain.
    pub parent: Option<String>,
    /// The path parameters that this step adds (one, for an instance).
    pub identifiers: Vec<Param>,
    /// Every path parameter from the root to this node, in path order.
    pub path_params: Vec<Param>,
    /// Documentation, one line per entry.
    pub doc: Vec<String>,
    /// Operations on this path, sorted by method name.
    pub operations: Vec<Operation>,
    /// Normalized paths of the child nodes, sorted.
    pub children: Vec<String>,
}

/// What a navigation node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A collection (`pathType: list`), or a literal path segment.
    List,
    /// One member of a collection (`pathType: instance`), or a singleton.
    Instance,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The spec's `operationId` (`ListBinding`).
    pub operation_id: String,
    /// Method on the resource node (`list`).
    pub method_name: String,
    /// Rust type of the request builder (`ListBindingRequest`).
    pub builder_name: String,
    /// HTTP method.
    pub http_method: HttpMethod,
    /// The spec's path template.
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Documentation, one line per entry.
    pub doc: Vec<String>,
    /// Path parameters, in path order.
    pub path_params: Vec<Param>,
    /// Query, header and form parameters, sorted by Rust name.
    pub params: Vec<Param>,
    /// What a successful response holds.
    pub response: Response,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// In models of generators before required setters: when the
    /// operation had more required parameters than read well as arguments,
    /// the struct that held them. Lowering no longer sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_struct: Option<String>,
    /// Whether its required parameters are setters of its builder, checked
    /// at `send()` (naming rule 17), as every operation with one now has
    /// them; in models of older generators they were arguments of its
    /// method (or fields of `required_struct`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required_setters: bool,
    /// The media type to ask for (`Accept`) when the answer is JSON of
    /// another name (`application/scim+json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
}

/// HTTP methods the client can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathPart {
    /// Text sent as it is.
    Literal(String),
    /// A parameter, by Rust name, percent-encoded as part of one segment.
    Param(String),
}

/// A parameter of an operation, or a field of a form body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Name in the spec (`BindingType`).
    pub name: String,
    /// Rust name (`binding_type`).
    pub rust_name: String,
    /// Where the value is sent.
    pub location: Location,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Bounds from the spec, applied by clamping.
    pub minimum: Option<i64>,
    /// Upper bound from the spec, applied by clamping.
    pub maximum: Option<i64>,
    /// Documentation, one line per entry.
    pub doc: Vec<String>,
    /// Whether it is personal data: `x-twilio.pii` marks it, or the name
    /// lock keeps an earlier mark.
    pub pii: bool,
    /// Whether only the name lock keeps it personal (the spec no longer
    /// marks it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pii_kept: bool,
}

/// Where a parameter goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A field of an `application/x-www-form-urlencoded` body.
    Form,
    /// The whole `application/json` body.
    Json,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// No body (204, or nothing declared).
    Empty,
    /// A JSON body of one type.
    Json(TypeRef),
    /// Only a redirect (3xx) is documented: the call returns where it points
    /// (`Location`, or a JSON body's `redirect_to`), never following it.
    Redirect,
    /// One page of a Twilio list: items under `items_key`, paging under `meta`.
    Page {
        /// The key that holds the items (`bindings`).
        items_key: String,
        /// The type of one item.
        item: TypeRef,
    },
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeRef {
    /// A UTF-8 string.
    String,
    /// `true` or `false`.
    Bool,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// A floating-point number.
    F64,
    /// An RFC 3339 date-time.
    DateTime,
    /// A calendar date, `YYYY-MM-DD` (`format: date`).
    Date,
    /// An absolute URL.
    Url,
    /// A map from names to URLs (`format: uri-map`).
    UrlMap,
    /// Any JSON value.
    Json,
    /// A SID newtype, by prefix.
    Sid(String),
    /// A generated struct or enum, by Rust name.
    Named(String),
    /// A list.
    Array(Box<TypeRef>),
}

/// A generated type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeDef {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum that keeps unknown values.
    Enum(EnumDef),
}

/// A struct deserialized from JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructDef {
    /// Name in the spec (`chat.v2.service.binding`).
    pub name: String,
    /// Documentation, one line per entry.
    pub doc: Vec<String>,
    /// Fields in the spec's order.
    pub fields: Vec<Field>,
    /// Whether users build it for a request body, so it must stay open to
    /// construction (no `#[non_exhaustive]`).
    pub input: bool,
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Name in the spec (`binding_type`).
    pub name: String,
    /// Rust name.
    pub rust_name: String,
    /// Its type, without the `Option` that `optional` adds.
    pub ty: TypeRef,
    /// Whether the field may be missing or null.
    pub optional: bool,
    /// Whether the field refers to its own struct and needs a `Box`.
    pub boxed: bool,
    /// Documentation, one line per entry.
    pub doc: Vec<String>,
    /// Whether it is personal data: `x-twilio.pii` marks it, or the name
    /// lock keeps an earlier mark.
    pub pii: bool,
    /// Whether only the name lock keeps it personal (the spec no longer
    /// marks it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pii_kept: bool,
    /// Whether it holds URLs (`format: uri` or `uri-map`), whose paths can
    /// repeat an identity from the request: `Debug` shows only their SIDs
    /// and path words.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub urls: bool,
    /// Whether it is a list whose items the spec lets be `null`: those are
    /// left out when it is read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable_items: bool,
    /// In a struct users build for a request body: whether the spec lists
    /// it as required (it is then always sent).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// In a struct users build for a request body: whether the spec lets it
    /// be `null` and not list it as required: it is `Option<Option<T>>`,
    /// whose `None` leaves it out and `Some(None)` sends `null`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumDef {
    /// Name in the spec (`binding_enum_binding_type`).
    pub name: String,
    /// Documentation, one line per entry.
    pub doc: Vec<String>,
    /// Known values in the spec's order.
    pub variants: Vec<Variant>,
    /// Other enums of the crate for the same kind of value, as
    /// `module::Name`, that convert into this one (`From`): used at places
    /// of the same name, one's values among the other's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
}

/// One known value of an enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// The value on the wire (`apn`).
    pub value: String,
    /// Rust variant name (`Apn`).
    pub rust_name: String,
}

/// A SID newtype such as `BindingSid` for `^BS[0-9a-fA-F]{32}$`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SidType {
    /// Two capital letters (`BS`).
    pub prefix: String,
    /// Rust name (`BindingSid`).
    pub rust_name: String,
    /// What it identifies, for documentation (`Binding`).
    pub noun: String,
}

/// An operation left out of the output, or a part of a spec ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The spec file.
    pub file: String,
    /// JSON pointer to the operation.
    pub pointer: String,
    /// Why it was skipped.
    pub reason: String,
}
