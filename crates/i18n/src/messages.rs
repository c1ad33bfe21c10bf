//! The catalogue: each key with its zh-CN text, then its English text.
//! `{name}` marks a value filled in at run time; both languages must use the same ones.

crate::catalogue! {
    // ---- The product and its frame -------------------------------------------------
    app_name => "文化服务台", "CultureDesk";
    app_tagline => "倾听群众心声，办好每一件事", "Hearing the public, following every request through";
    skip_to_content => "跳到正文", "Skip to main content";
    nav_home => "首页", "Home";
    nav_console => "工作台", "Console";
    nav_login => "工作人员登录", "Staff sign-in";
    nav_logout => "退出登录", "Sign out";
    nav_member_login => "群众登录", "Sign in with your phone";
    nav_language => "语言", "Language";
    nav_main => "主导航", "Main navigation";
    footer_text => "本系统由文化服务台提供支持", "Powered by CultureDesk";
    back => "返回", "Back";
    save => "保存", "Save";
    create => "创建", "Create";
    cancel => "取消", "Cancel";
    submit => "提交", "Submit";
    search => "搜索", "Search";
    export_csv => "导出 CSV", "Export CSV";
    none_yet => "暂无内容", "Nothing here yet";
    yes => "是", "Yes";
    no => "否", "No";
    saved => "已保存", "Saved";
    actions => "操作", "Actions";
    page_next => "下一页", "Next page";
    page_prev => "上一页", "Previous page";

    // ---- Portal ---------------------------------------------------------------------
    portal_title => "群众服务", "Public services";
    portal_intro => "有需求、建议、投诉、表扬或咨询，请告诉我们。我们会在规定时限内答复，并公开办理进度。",
        "Tell us what you need, suggest, complain about, praise or ask. We answer within a set deadline and show our progress in public.";
    portal_units => "服务网点", "Where we serve";

    // ---- Staff sign-in and passwords -------------------------------------------------
    login_title => "工作人员登录", "Staff sign-in";
    login_username => "用户名", "Username";
    login_password => "密码", "Password";
    login_submit => "登录", "Sign in";
    login_failed => "用户名或密码不正确", "Wrong username or password";
    login_locked => "登录失败次数过多，请 {minutes} 分钟后再试", "Too many failed sign-ins; try again in {minutes} minutes";
    password_title => "修改密码", "Change password";
    password_must_change => "这是一次性密码，请先设置您自己的密码。", "This is a one-time password; please set your own password first.";
    password_current => "当前密码", "Current password";
    password_new => "新密码", "New password";
    password_repeat => "再次输入新密码", "Repeat new password";
    password_hint => "至少 10 个字符，不要使用用户名或常见密码。", "At least 10 characters; not your username or a common password.";
    password_changed => "密码已修改", "Password changed";

    // ---- Members of the public ------------------------------------------------------
    member_login_title => "手机号登录", "Sign in with your mobile number";
    member_login_intro => "我们会向您的手机发送一条验证码短信，验证码 5 分钟内有效。", "We will text you a code; it is valid for 5 minutes.";
    member_mobile => "手机号码", "Mobile number";
    member_send_code => "获取验证码", "Send code";
    member_code => "验证码", "Code";
    member_verify => "验证并登录", "Verify and sign in";
    member_code_sent => "验证码已发送至 {mobile}", "A code was sent to {mobile}";
    member_signed_in => "您已登录：{mobile}", "Signed in as {mobile}";
    sms_code_text => "【{institution}】您的验证码是 {code}，5 分钟内有效。如非本人操作，请忽略。", "[{institution}] Your code is {code}, valid for 5 minutes. If you did not ask for it, ignore this message.";

    // ---- Console --------------------------------------------------------------------
    console_title => "工作台", "Console";
    console_welcome => "您好，{name}", "Hello, {name}";
    console_your_roles => "您的角色", "Your roles";
    console_users => "人员与角色", "Staff and roles";
    console_org => "组织架构", "Organisation";
    console_audit => "操作日志", "Audit log";
    console_outbox => "发出的消息", "Sent messages";

    users_title => "人员与角色", "Staff and roles";
    users_new => "新增工作人员", "Add a staff member";
    user_username => "用户名", "Username";
    user_display_name => "姓名", "Name";
    user_email => "电子邮箱", "E-mail";
    user_mobile => "手机号码", "Mobile";
    user_role => "角色", "Role";
    user_scope => "管辖范围", "Scope";
    user_department => "部门", "Department";
    user_active => "在岗", "Active";
    user_created => "已创建 {name}，一次性密码：{password}（只显示这一次）", "{name} created; one-time password: {password} (shown only this once)";
    user_reset_password => "重置密码", "Reset password";
    user_password_reset => "{name} 的一次性密码：{password}（只显示这一次）", "One-time password for {name}: {password} (shown only this once)";
    user_deactivate => "停用", "Deactivate";
    user_activate => "启用", "Activate";
    user_grant_add => "添加角色", "Add role";
    user_grant_remove => "移除", "Remove";

    org_title => "组织架构", "Organisation";
    org_add_unit => "新增下级单位", "Add a unit below";
    org_add_department => "新增部门", "Add a department";
    org_unit_name => "单位名称", "Unit name";
    org_unit_kind => "单位类型", "Kind of unit";
    org_parent => "上级单位", "Parent unit";
    org_department_name => "部门名称", "Department name";
    org_department_kind => "部门类型", "Kind of department";
    org_department_head => "部门负责人", "Department head";
    org_departments => "部门", "Departments";
    org_staff_count => "{n} 人", "{n} staff";

    audit_title => "操作日志", "Audit log";
    audit_when => "时间", "When";
    audit_who => "操作人", "Who";
    audit_action => "操作", "Action";
    audit_target => "对象", "Target";
    audit_before => "修改前", "Before";
    audit_after => "修改后", "After";

    audit_ip => "IP 地址", "IP address";
    audit_action_auth_login => "登录", "Signed in";
    audit_action_user_created => "新增人员", "Added a staff member";
    audit_action_user_password_changed => "修改了自己的密码", "Changed their password";
    audit_action_user_password_reset => "重置密码", "Reset a password";
    audit_action_user_role_granted => "授予角色", "Granted a role";
    audit_action_user_role_revoked => "移除角色", "Removed a role";
    audit_action_user_active_set => "启用或停用账号", "Activated or deactivated an account";
    audit_action_unit_created => "新增单位", "Added a unit";
    audit_action_unit_renamed => "单位改名", "Renamed a unit";
    audit_action_department_created => "新增部门", "Added a department";
    audit_action_department_head_set => "设定部门负责人", "Set a department head";
    audit_entity_user => "人员", "Staff";
    audit_entity_unit => "单位", "Unit";
    audit_entity_department => "部门", "Department";

    outbox_title => "发出的消息", "Sent messages";
    outbox_channel => "渠道", "Channel";
    outbox_recipient => "接收人", "Recipient";
    outbox_body => "内容", "Content";
    outbox_status => "状态", "Status";

    // ---- Kinds, roles ---------------------------------------------------------------
    unit_kind_centre => "文化馆（总馆）", "Centre";
    unit_kind_station => "文化站（分馆）", "Station";
    unit_kind_service_point => "服务点", "Service point";
    dept_kind_office => "办公室", "Office";
    dept_kind_activity => "活动部", "Activities";
    dept_kind_training => "培训部", "Training";
    dept_kind_heritage => "非遗部", "Intangible heritage";
    dept_kind_information => "信息部", "Information";
    dept_kind_other => "其他部门", "Other";
    role_system_admin => "系统管理员", "System administrator";
    role_office_director => "办公室主任", "Office director";
    role_office_clerk => "文员", "Office clerk";
    role_department_head => "部门负责人", "Department head";
    role_department_staff => "部门工作人员", "Department staff";
    role_publicity_liaison => "宣传员", "Publicity liaison";
    role_evaluator => "第三方评估", "Evaluator";

    // ---- Feedback: kinds, channels, states --------------------------------------------
    kind_request => "需求", "Request";
    kind_suggestion => "建议", "Suggestion";
    kind_complaint => "投诉", "Complaint";
    kind_praise => "表扬", "Praise";
    kind_inquiry => "咨询", "Inquiry";
    channel_web => "网站", "Website";
    channel_wechat => "公众号", "WeChat account";
    channel_miniapp => "小程序", "Mini program";
    channel_api => "接口", "API";
    channel_suggestion_box => "意见箱", "Suggestion box";
    channel_comment_book => "意见簿", "Comment book";
    channel_forum => "座谈会", "Forum";
    channel_phone => "电话", "Phone";
    channel_import => "批量导入", "Import";
    priority_normal => "一般", "Normal";
    priority_urgent => "紧急", "Urgent";
    rating_satisfied => "满意", "Satisfied";
    rating_mostly_satisfied => "基本满意", "Mostly satisfied";
    rating_dissatisfied => "不满意", "Dissatisfied";
    status_new => "待受理", "New";
    status_accepted => "已受理", "Accepted";
    status_assigned => "已转办", "Assigned";
    status_in_progress => "办理中", "In progress";
    status_waiting => "待补充信息", "Waiting for the submitter";
    status_answered => "已答复", "Answered";
    status_closed => "已办结", "Closed";
    status_not_accepted => "不予受理", "Not accepted";
    status_merged => "已合并", "Merged";
    status_spam => "垃圾信息", "Spam";

    action_accept => "受理", "accept";
    action_assign => "转办", "assign";
    action_start => "开始办理", "start work on";
    action_ask_submitter => "请群众补充信息", "ask the submitter about";
    action_submitter_replied => "补充信息", "add information to";
    action_answer => "答复", "answer";
    action_close => "办结", "close";
    action_decline => "不予受理", "decline";
    action_mark_spam => "标为垃圾信息", "mark as spam";
    action_not_spam => "取消垃圾信息标记", "unmark as spam";
    action_merge => "合并", "merge";
    action_reopen => "重新办理", "reopen";
    due_on_track => "按期", "On track";
    due_soon => "即将到期", "Due soon";
    due_overdue => "已超期", "Overdue";
    due_paused => "计时暂停", "Clock paused";
    due_done => "已完成", "Done";

    // ---- Messages about feedback ------------------------------------------------------
    alert_subject => "反馈 {tracking} 办理提醒", "Reminder about feedback {tracking}";
    alert_reminder_text => "【{institution}】反馈 {tracking} 将于 {due} 到期，请及时办理：{link}", "[{institution}] Feedback {tracking} is due at {due}; please deal with it: {link}";
    alert_overdue_text => "【{institution}】反馈 {tracking} 已超过办理时限（{due}），请督促办理：{link}", "[{institution}] Feedback {tracking} passed its deadline ({due}); please see that it is dealt with: {link}";
    alert_escalated_text => "【{institution}】督办：反馈 {tracking} 超期未办结（时限 {due}），请关注：{link}", "[{institution}] Escalation: feedback {tracking} is still not resolved (due {due}): {link}";
    alert_reopened_text => "【{institution}】反馈 {tracking} 的答复群众不满意，已重新办理，请关注：{link}", "[{institution}] The submitter of {tracking} was not satisfied and reopened it: {link}";
    submitter_subject => "【{institution}】您的反馈 {tracking} 有新进展", "[{institution}] News about your feedback {tracking}";
    submitter_answered_text => "【{institution}】您的反馈 {tracking} 已答复：{detail}… 详情及评价：{link}", "[{institution}] Your feedback {tracking} has been answered: {detail}… Details and rating: {link}";
    submitter_asked_text => "【{institution}】关于您的反馈 {tracking}，我们需要您补充信息：{detail}… 请点击补充：{link}", "[{institution}] About your feedback {tracking}, we need more information: {detail}… Reply here: {link}";
    submitter_declined_text => "【{institution}】您的反馈 {tracking} 不予受理，原因：{detail}… 详情：{link}", "[{institution}] Your feedback {tracking} was not accepted: {detail}… Details: {link}";

    // ---- Errors ---------------------------------------------------------------------
    err_required => "此项必填", "This field is required";
    err_too_long => "不能超过 {max} 个字", "At most {max} characters";
    err_mobile => "请输入正确的 11 位手机号码", "Enter a valid 11-digit mainland mobile number";
    err_email => "请输入正确的电子邮箱地址", "Enter a valid e-mail address";
    err_password_short => "密码至少需要 {min} 个字符", "The password needs at least {min} characters";
    err_password_weak => "这个密码太容易被猜到，请换一个", "This password is too easy to guess; choose another";
    err_password_mismatch => "两次输入的新密码不一致", "The new passwords do not match";
    err_password_wrong => "当前密码不正确", "The current password is wrong";
    err_username_taken => "该用户名已被使用", "This username is taken";
    err_username_format => "用户名只能包含字母、数字、点、横线和下划线，3 到 32 个字符", "A username has 3 to 32 letters, digits, dots, dashes or underscores";
    err_choice => "请从列表中选择", "Choose one of the options";
    err_invalid => "提交的内容有误，请检查标出的项目", "Something in the form is not right; see the marked fields";
    err_not_found => "找不到您要的页面或内容", "We could not find what you asked for";
    err_forbidden => "您没有权限进行此操作", "You are not allowed to do this";
    err_unauthorized => "请先登录", "Please sign in first";
    err_csrf => "页面已过期或来源不明，请刷新页面后重新提交", "This form has expired or did not come from us; reload the page and try again";
    err_rate_limited => "操作太频繁，请稍后再试", "Too many attempts; please wait and try again";
    err_conflict => "内容已被他人修改，请刷新后重试", "Someone else changed this; reload and try again";
    err_internal => "服务器出了点问题，我们已记录，请稍后再试", "Something went wrong on our side; it has been logged, please try again later";
    err_malformed => "请求格式不正确：{detail}", "The request is malformed: {detail}";
    err_payload_too_large => "提交的内容太大", "What you sent is too large";
    err_code_wrong => "验证码不正确", "The code is wrong";
    err_code_expired => "验证码已过期，请重新获取", "The code has expired; ask for a new one";
    err_code_attempts => "验证码输错次数过多，请重新获取", "Too many wrong codes; ask for a new one";
    err_unit_kind => "这里不能添加这种单位", "This kind of unit cannot be added here";
    err_scope => "管辖范围必须在您自己的范围之内", "The scope must lie within your own";
    err_department_needed => "此角色需要选择部门", "This role needs a department";
    err_range => "请填写 {min} 到 {max} 之间的数", "Enter a number from {min} to {max}";
    err_date => "请填写正确的日期（年-月-日），且不能晚于今天", "Enter a valid date (year-month-day), not later than today";
    err_verify_first => "本馆要求先验证手机号再提交，请先用手机号登录", "This institution asks you to verify your mobile number first; please sign in with it";
    err_reason_needed => "改派需要填写理由", "Reassigning needs a reason";
    err_adopt_suggestion_only => "只有建议可以标为采纳", "Only suggestions can be marked as adopted";
    err_merge_target => "请填写另一条仍在办理或已答复的反馈的编号", "Enter the tracking number of another item that is still open or answered";
    err_illegal_transition => "该反馈当前状态为“{status}”，不能{action}", "This item is “{status}”; you cannot {action} it";
    err_rating_not_open => "现在不能评价：反馈尚未答复或已评价过", "It cannot be rated now: it is not answered yet or already rated";
    err_reopen_closed => "已超过可重新办理的期限，或您已对答复表示满意", "It can no longer be reopened: the time has passed or you were satisfied with the answer";
    err_last_admin => "不能停用最后一位系统管理员", "The last system administrator cannot be deactivated";
    error_title => "出错了", "Something went wrong";
    error_home => "回到首页", "Back to the home page";
}
