from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired("Informe seu e-mail."), Length(max=254)])
    password = PasswordField("Senha", validators=[DataRequired("Informe sua senha.")])
    remember = BooleanField("Manter conectado neste aparelho")
